/**
 * The criminal-case list's filters on a selective value, each on an index: the case number's prefix
 * (any case) and the articles (the service expands an article such as 144-1 to its parts).
 */
export const up = /* sql */ `
CREATE INDEX criminal_cases_number_prefix_idx ON criminal_cases (lower(case_number) text_pattern_ops);
CREATE INDEX criminal_cases_articles_idx ON criminal_cases USING gin (articles);
`;
