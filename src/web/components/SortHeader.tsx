import { Table, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * A column header that sorts its list on the server: `value` is the list's current `sort` (`key`
 * ascending, `-key` descending); a click turns this column's order around, `aria-sort` says it.
 */
export function SortHeader({ label, sortKey, value, onChange }: { label: string; sortKey: string; value: string; onChange: (sort: string) => void }) {
  const { t } = useTranslation();
  const active = value === sortKey || value === `-${sortKey}`;
  const descending = value === `-${sortKey}`;
  return (
    <Table.Th aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}>
      <UnstyledButton fw={700} fz="sm" onClick={() => onChange(active && !descending ? `-${sortKey}` : sortKey)} aria-label={t('handoffs.sort', { column: label })}>
        {label} {active ? (descending ? '↓' : '↑') : '↕'}
      </UnstyledButton>
    </Table.Th>
  );
}
