import { useState } from 'react';
import { Alert, Anchor, Badge, Button, FileInput, Group, List, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { HtcdsImportResult } from '../../../shared/schemas/htcds.ts';
import { api, isApiError } from '../../api/client.ts';
import { useCan } from '../../api/session.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { useRefreshNrm } from './api.ts';

type Result = HtcdsImportResult;
/** Problems of a refused document, by record (`records[3]...` under 3; the rest under the document). */
type Problems = { document: [string, string][]; records: Map<number, [string, string][]> };

function byRecord(fields: Record<string, string>): Problems {
  const out: Problems = { document: [], records: new Map() };
  for (const [path, message] of Object.entries(fields)) {
    const m = /^records\[(\d+)\]\.?(.*)$/.exec(path);
    if (!m) {
      out.document.push([path, message]);
      continue;
    }
    const i = Number(m[1]);
    out.records.set(i, [...(out.records.get(i) ?? []), [m[2] || path, message]]);
  }
  return out;
}

/**
 * HTCDS v2 import: choose a JSON file, check it (a dry run: nothing is written; problems are listed by
 * record and field, likely duplicates warned about), then import it. Also the bulk export links.
 */
/** A date from <input type="date"> as the start of that day (or of the next) in the browser's zone, in ISO. */
const dayStart = (d: string) => new Date(`${d}T00:00:00`).toISOString();
const nextDayStart = (d: string) => {
  const x = new Date(`${d}T00:00:00`);
  x.setDate(x.getDate() + 1);
  return x.toISOString();
};

export function HtcdsPage() {
  const [openedFrom, setOpenedFrom] = useState('');
  const [openedTo, setOpenedTo] = useState('');
  const rangeError = openedFrom !== '' && openedTo !== '' && openedTo < openedFrom;
  /** The export's address: the opening dates are whole local days, the last one included. */
  const exportHref = (q: Record<string, string>) => {
    const params = new URLSearchParams(q);
    if (openedFrom) params.set('openedFrom', dayStart(openedFrom));
    if (openedTo) params.set('openedTo', nextDayStart(openedTo));
    return `/api/v1/exports/htcds?${params.toString()}`;
  };
  const { t } = useTranslation();
  const can = useCan();
  const refresh = useRefreshNrm();
  const [file, setFile] = useState<File | null>(null);
  const [doc, setDoc] = useState<unknown>(null);
  const [unreadable, setUnreadable] = useState(false);
  const [checked, setChecked] = useState<Result | null>(null);
  const [problems, setProblems] = useState<Problems | null>(null);
  const [imported, setImported] = useState<Result | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const canImport = ['case:create:agency', 'case:create:all', 'case:create:own'].some(can);

  async function choose(f: File | null) {
    setFile(f);
    setChecked(null);
    setProblems(null);
    setImported(null);
    setError(null);
    setUnreadable(false);
    setDoc(null);
    if (!f) return;
    try {
      setDoc(JSON.parse(await f.text()));
    } catch {
      setUnreadable(true);
    }
  }

  async function send(dryRun: boolean) {
    setBusy(true);
    setError(null);
    try {
      const result = await api('POST', `/imports/htcds${dryRun ? '?dryRun=true' : ''}`, doc, HtcdsImportResult);
      setProblems(null);
      if (dryRun) setChecked(result);
      else {
        setImported(result);
        setChecked(null);
        await refresh();
      }
    } catch (e) {
      setChecked(null);
      if (isApiError(e, 'validation_failed')) setProblems(byRecord(e.fields));
      else setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={t('nrmHtcds.title')} description={t('nrmHtcds.intro')}>
      {canImport && (
        <Paper withBorder p="md" data-testid="htcds-import">
          <Stack gap="sm">
            <Title order={2} size="h4">{t('nrmHtcds.import.title')}</Title>
            <Text size="sm" c="dimmed">{t('nrmHtcds.import.hint')}</Text>
            <FileInput label={t('nrmHtcds.import.file')} accept="application/json,.json" value={file} onChange={(f) => void choose(f)} clearable w={420} />
            {unreadable && <Alert color="red">{t('nrmHtcds.import.notJson')}</Alert>}
            <Group>
              <Button variant="default" disabled={!doc || busy} onClick={() => void send(true)}>{t('nrmHtcds.import.check')}</Button>
              <Button disabled={!checked || busy} onClick={() => void send(false)}>{t('nrmHtcds.import.submit')}</Button>
            </Group>
            <ErrorAlert error={error} />
            {problems && (
              <Alert color="red" title={t('nrmHtcds.import.invalid')} data-testid="htcds-problems">
                <Stack gap="xs">
                  {problems.document.length > 0 && (
                    <div>
                      <Text fw={600} size="sm">{t('nrmHtcds.import.document')}</Text>
                      <List size="sm">{problems.document.map(([p, m]) => <List.Item key={p}><code>{p}</code>: {m}</List.Item>)}</List>
                    </div>
                  )}
                  {[...problems.records].sort(([a], [b]) => a - b).map(([i, list]) => (
                    <div key={i} data-testid="htcds-record-problems">
                      <Text fw={600} size="sm">{t('nrmHtcds.import.record', { n: i + 1 })}</Text>
                      <List size="sm">{list.map(([p, m]) => <List.Item key={p}><code>{p}</code>: {m}</List.Item>)}</List>
                    </div>
                  ))}
                </Stack>
              </Alert>
            )}
            {checked && (
              <Alert color="green" title={t('nrmHtcds.import.valid', { count: checked.records.length })} data-testid="htcds-checked">
                <ResultTable result={checked} />
              </Alert>
            )}
            {imported && (
              <Alert color="green" title={t('nrmHtcds.import.done', { count: imported.records.length })} data-testid="htcds-imported">
                <ResultTable result={imported} />
              </Alert>
            )}
          </Stack>
        </Paper>
      )}
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Title order={2} size="h4">{t('nrmHtcds.export.title')}</Title>
          <Text size="sm" c="dimmed">{t('nrmHtcds.export.hint')}</Text>
          <Group align="flex-end">
            <TextInput type="date" label={t('nrmHtcds.export.openedFrom')} value={openedFrom} onChange={(e) => setOpenedFrom(e.currentTarget.value)} data-testid="htcds-opened-from" />
            <TextInput type="date" label={t('nrmHtcds.export.openedTo')} value={openedTo} onChange={(e) => setOpenedTo(e.currentTarget.value)} error={rangeError ? t('nrmHtcds.export.badRange') : undefined} data-testid="htcds-opened-to" />
          </Group>
          <Group>
            <Button component="a" variant="default" href={exportHref({ format: 'json' })} download disabled={rangeError} data-testid="htcds-export-json">{t('nrmHtcds.export.json')}</Button>
            <Button component="a" variant="default" href={exportHref({ format: 'csv' })} download disabled={rangeError}>{t('nrmHtcds.export.csv')}</Button>
            {can('htcds:export_identifying') && (
              <Button component="a" variant="default" color="red" href={exportHref({ format: 'json', identifying: 'true' })} download disabled={rangeError}>{t('nrmHtcds.export.identifying')}</Button>
            )}
          </Group>
        </Stack>
      </Paper>
    </Page>
  );
}

function ResultTable({ result }: { result: Result }) {
  const { t } = useTranslation();
  return (
    <Table>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('nrmHtcds.import.recordColumn')}</Table.Th>
          <Table.Th>{t('nrmHtcds.import.people')}</Table.Th>
          <Table.Th>{t('nrmHtcds.import.events')}</Table.Th>
          <Table.Th>{t('nrmHtcds.import.consents')}</Table.Th>
          <Table.Th>{t('nrmHtcds.import.warnings')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {result.records.map((r) => (
          <Table.Tr key={r.index}>
            <Table.Td>{r.caseId ? <Anchor component={Link} to={`/cases/${r.caseId}`}>{r.caseNumber}</Anchor> : r.index + 1}</Table.Td>
            <Table.Td>{r.persons}</Table.Td>
            <Table.Td>{r.events}</Table.Td>
            <Table.Td>{r.consents}</Table.Td>
            <Table.Td>
              {r.warnings.map((w) => (
                <div key={`${w.path}-${w.code}`}>
                  <Badge size="xs" color="yellow" variant="light">{t(`nrmHtcds.warning.${w.code}`, { defaultValue: w.code })}</Badge> <code>{w.path}</code>
                </div>
              ))}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
