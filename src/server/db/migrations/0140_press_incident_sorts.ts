/**
 * The press incidents staff list's other orders (issue 15; docs/press-freedom.md): by the date of
 * the incident (`occurred`, `-occurred`) and by title (`title`, `-title`), besides the order of entry
 * (`press_incidents_created_idx`, 0030). Each index, read in either direction, serves an order and its
 * reverse with the id breaking ties, so a page stops after its rows.
 */
export const up = /* sql */ `
CREATE INDEX press_incidents_occurred_idx ON press_incidents (occurred_on, id);
CREATE INDEX press_incidents_title_idx ON press_incidents (title, id);
`;
