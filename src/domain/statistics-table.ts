/**
 * One statistical table as Pathway computes, releases and prints it: the shape of
 * `GET /api/public/statistics/{releaseId}` (issue 13) and of the tables in the annual report.
 *
 * A table is a set of cells over named dimensions. A cell's `key` gives one value per dimension
 * ("sex": "female", "ageGroup": "child"); a dimension left out of a key is a margin over it, so
 * the totals are the cells whose key leaves out one or more dimensions. `value` is `null` only
 * when the cell is suppressed in a public release; inside Pathway every value is known.
 */
export type Suppression = 'primary' | 'secondary' | null;

export interface TableDimension {
  /** Stable code, e.g. "sex", "ageGroup", "form". */
  id: string;
  /** The dimension's name in the table's language. */
  label: string;
  /** Its values in display order, each with its label in the table's language. */
  values: Array<{ code: string; label: string }>;
}

export interface TableCell {
  key: Record<string, string>;
  value: number | null;
  suppressed: Suppression;
}

export interface StatisticsTable {
  /** Stable code of the table, e.g. "nrm-victims-by-sex-age". */
  id: string;
  title: string;
  dimensions: TableDimension[];
  /** Inner cells: every key names every dimension. */
  cells: TableCell[];
  /** Margins and the grand total: keys leave out one or more dimensions ({} is the grand total). */
  totals: TableCell[];
  /** Where the numbers come from and what they count (articles, source), for exports and the PDF. */
  notes?: string[];
}
