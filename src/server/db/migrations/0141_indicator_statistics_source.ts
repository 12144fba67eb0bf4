/**
 * An action-plan indicator's source (issue 13; docs/action-plan.md, "Indicators from the
 * statistics"): manual entry (both columns null, as before) or a figure of the national statistics,
 * a table of `buildTables` and the key of one of its cells (`{"sex": "female"}`; `{}` the grand
 * total). The service checks the table, the key's dimensions and codes and the unit; the database
 * keeps the two together.
 */
export const up = /* sql */ `
ALTER TABLE action_plan_indicators
  ADD COLUMN statistics_table text CHECK (length(statistics_table) BETWEEN 1 AND 60),
  ADD COLUMN statistics_key jsonb,
  ADD CONSTRAINT action_plan_indicators_statistics_source CHECK ((statistics_table IS NULL) = (statistics_key IS NULL) AND (statistics_key IS NULL OR jsonb_typeof(statistics_key) = 'object'));
`;
