import * as m0001 from './0001_foundation.ts';
import * as m0020 from './0020_hotline.ts';
import * as m0030 from './0030_press_freedom.ts';
import * as m0031 from './0031_press_source_files.ts';
import * as m0032 from './0032_press_affiliation_dates.ts';
import * as m0033 from './0033_press_public_list_covering.ts';
import * as m0040 from './0040_operator_states.ts';
import * as m0043 from './0043_hotline_replies.ts';
import * as m0046 from './0046_hotline_dashboard.ts';
import * as m0050 from './0050_people.ts';
import * as m0051 from './0051_people_search.ts';

/** Every migration in order. A migration once on main is never edited; add the next number instead. */
export const migrations: Record<string, { up: string }> = {
  '0001_foundation': m0001,
  '0020_hotline': m0020,
  '0030_press_freedom': m0030,
  '0031_press_source_files': m0031,
  '0032_press_affiliation_dates': m0032,
  '0033_press_public_list_covering': m0033,
  '0040_operator_states': m0040,
  '0043_hotline_replies': m0043,
  '0046_hotline_dashboard': m0046,
  '0050_people': m0050,
  '0051_people_search': m0051,
};
