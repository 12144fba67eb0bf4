import { Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StatisticsTableView } from '../../../shared/schemas/statistics.ts';

type Cell = StatisticsTableView['cells'][number];
const TOTAL = '*';

const keyOf = (dims: string[], at: string[]) => dims.map((d, i) => (at[i] === TOTAL ? '' : `${d}=${at[i]}`)).filter(Boolean).sort().join('&');

/**
 * One statistical table: the rows are the values of every dimension but the last (with their totals),
 * the columns the last dimension's values and their total. A suppressed cell shows "–" to the public;
 * inside Pathway (`exact`) it shows its value, marked.
 */
export function StatisticsTableBlock({ table, number, exact = false, threshold, chart = false }: { table: StatisticsTableView; number: (n: number | null) => string; exact?: boolean; threshold?: number; chart?: boolean }) {
  const { t } = useTranslation();
  const dims = table.dimensions.map((d) => d.id);
  const cells = new Map<string, Cell>();
  for (const c of [...table.cells, ...table.totals]) cells.set(Object.entries(c.key).map(([d, v]) => `${d}=${v}`).sort().join('&'), c);
  const last = table.dimensions.at(-1)!;
  const rowDims = table.dimensions.slice(0, -1);
  let rows: string[][] = [[]];
  for (const d of rowDims) rows = rows.flatMap((r) => [...d.values.map((v) => v.code), TOTAL].map((v) => [...r, v]));
  const cols = [...last.values.map((v) => v.code), TOTAL];
  const present = rows.filter((r) => cols.some((c) => cells.has(keyOf(dims, [...r, c]))));
  const label = (dimIndex: number, code: string) => (code === TOTAL ? t('statistics.national.total') : (table.dimensions[dimIndex]!.values.find((v) => v.code === code)?.label ?? code));
  const show = (c: Cell | undefined) => {
    if (!c) return '';
    if (c.suppressed === null) return number(c.value);
    const why = c.suppressed === 'primary' ? t('statistics.cell.primary', { k: threshold ?? '' }) : t('statistics.cell.secondary');
    return (
      <span data-suppressed={c.suppressed} title={why}>
        {exact && c.value !== null ? <Text span c="red.8" fw={600}>{number(c.value)}*</Text> : <Text span aria-hidden>–</Text>}
        <VisuallyHidden>{why}</VisuallyHidden>
      </span>
    );
  };
  // The chart: the first dimension's totals (published ones; hidden ones are left out).
  const first = table.dimensions[0]!;
  const bars = first.values
    .map((v) => ({ name: v.label, c: cells.get(`${first.id}=${v.code}`) }))
    .filter((x) => x.c && x.c.suppressed === null && (x.c.value ?? 0) > 0)
    .map((x) => ({ name: x.name, value: x.c!.value }));
  return (
    <Paper withBorder p="md" data-testid={`table-${table.id}`} miw={0} style={{ minWidth: 0 }}>
      <Stack gap="sm">
        <Title order={3} size="h5">{table.title}</Title>
        {chart && bars.length > 0 && (
          <div role="img" aria-label={t('statistics.national.chart', { title: table.title })}>
            <ResponsiveContainer width="100%" height={200}>
              <BarChart data={bars} margin={{ left: 0, right: 8 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} />
                <YAxis allowDecimals={false} width={40} />
                <Tooltip />
                <Bar dataKey="value" fill="#1c7ed6" name={first.label} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        )}
        {/* Wide tables scroll sideways on a phone; the region takes the keyboard's focus to scroll too. */}
        <div style={{ overflowX: 'auto', maxWidth: '100%', position: 'relative' }} tabIndex={0} role="region" aria-label={table.title}>
          <Table striped withTableBorder withColumnBorders fz="sm">
            <Table.Thead>
              <Table.Tr>
                {rowDims.map((d) => <Table.Th key={d.id} scope="col">{d.label}</Table.Th>)}
                {cols.map((c) => <Table.Th key={c} scope="col" ta="right">{label(dims.length - 1, c)}</Table.Th>)}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(rowDims.length === 0 ? [[]] : present).map((r) => (
                <Table.Tr key={r.join('|') || 'all'}>
                  {r.map((v, i) => (i === 0 ? <Table.Th key={i} scope="row" fw={v === TOTAL ? 700 : 500}>{label(i, v)}</Table.Th> : <Table.Td key={i} fw={v === TOTAL ? 700 : undefined}>{label(i, v)}</Table.Td>))}
                  {cols.map((c) => <Table.Td key={c} ta="right" fw={c === TOTAL || r.includes(TOTAL) ? 700 : undefined}>{show(cells.get(keyOf(dims, [...r, c])))}</Table.Td>)}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
        {(table.notes ?? []).map((n) => <Text key={n} size="xs" c="dimmed">{n}</Text>)}
      </Stack>
    </Paper>
  );
}
