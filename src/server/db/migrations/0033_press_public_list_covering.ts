/**
 * Press freedom, the public list's speed: its order indexes also carry every filter column, so that
 * a filter on the act types, outcomes or perpetrator categories (arrays, one row in 4 to 14) or a
 * second filter beside the year or a status walks an index in page order and tests each entry
 * there, without a visit to the table per entry (an index-only scan; the table changes only on
 * publication, so its pages stay all-visible). They replace the plain order indexes.
 */
const covering = 'INCLUDE (occurred_year, act_types, outcomes, perpetrator_categories, unesco_status, impunity_status, is_synthetic)';

export const up = /* sql */ `
CREATE INDEX press_public_list_idx ON press_public_incidents (occurred_on DESC, incident_id DESC) ${covering};
CREATE INDEX press_public_list_year_idx ON press_public_incidents (occurred_year, occurred_on DESC, incident_id DESC) ${covering};
CREATE INDEX press_public_list_impunity_idx ON press_public_incidents (impunity_status, occurred_on DESC, incident_id DESC) ${covering};
CREATE INDEX press_public_list_unesco_idx ON press_public_incidents (unesco_status, occurred_on DESC, incident_id DESC) ${covering};
DROP INDEX press_public_order_idx;
DROP INDEX press_public_year_idx;
DROP INDEX press_public_impunity_idx;
DROP INDEX press_public_unesco_idx;
`;
