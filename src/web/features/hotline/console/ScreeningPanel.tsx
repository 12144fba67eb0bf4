import { useMemo, useState } from 'react';
import { Alert, Badge, Button, Card, Checkbox, Group, NativeSelect, NumberInput, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { chooseScreeningList, DIMENSIONS, type ExploitationType } from '../../../../domain/screening.ts';
import { OBSERVATION_SOURCES } from '../../../../shared/hotline.ts';
import { ScreeningView, StoreScreeningBody, type ContactView } from '../../../../shared/schemas/contacts.ts';
import type { CatalogueView } from '../../../../shared/schemas/screening.ts';
import { api } from '../../../api/client.ts';
import { useFormSubmit } from '../../../components/errors.tsx';
import { ConsoleErrorAlert } from './errors.tsx';
import { contactKey, useCatalogue, useContact } from './api.ts';
import { hl } from './labels.ts';

type Screening = z.infer<typeof ScreeningView>;
const STRENGTH_COLORS: Record<string, string> = { S: 'red', M: 'orange', W: 'gray' };

/**
 * ILO/EC screening: the list follows from the person's age (or a possible child) and the exploitation
 * type; provisional lists say so; indicators are grouped by dimension with their strength in that
 * list. A positive result proposes a referral and changes no one's status.
 */
export function ScreeningPanel({ contact }: { contact: ContactView }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const catalogue = useCatalogue();
  const detail = useContact(contact.id);
  const persons = contact.persons ?? [];
  const [opened, setOpened] = useState(false);
  const [personIndex, setPersonIndex] = useState<string>('');
  const [age, setAge] = useState<number | null>(null);
  const [ageVerified, setAgeVerified] = useState(false);
  const [possiblyChild, setPossiblyChild] = useState(false);
  const [exploitation, setExploitation] = useState<ExploitationType>('labour');
  const [source, setSource] = useState<string>('contactor_statement');
  const [codes, setCodes] = useState<string[]>([]);
  const [recruitment, setRecruitment] = useState(false);
  const [last, setLast] = useState<Screening | null>(null);
  const f = useFormSubmit();

  const choice = chooseScreeningList({ age, ageVerified, possiblyChild, exploitation });
  const listInfo = catalogue.data?.lists.find((l) => l.list === choice.list);

  const pickPerson = (v: string) => {
    setPersonIndex(v);
    const p = v === '' ? null : persons[Number(v)];
    if (p) {
      setAge(p.age ?? null);
      setPossiblyChild(p.possiblyChild ?? false);
    }
  };

  const submit = () =>
    f.submit(
      StoreScreeningBody,
      {
        ...(personIndex !== '' ? { personIndex: Number(personIndex) } : {}),
        exploitation,
        age,
        ageVerified,
        possiblyChild,
        indicators: codes.map((code) => ({ code, source })),
        ...(choice.child ? { recruitmentActEstablished: recruitment } : {}),
      },
      async (body) => {
        const s = await api('POST', `/contacts/${contact.id}/screenings`, body, ScreeningView);
        setLast(s);
        await qc.invalidateQueries({ queryKey: contactKey(contact.id) });
      },
    );

  const earlier = detail.data?.screenings ?? [];
  return (
    <Card withBorder padding="md" data-testid="screening-panel">
      <Group justify="space-between">
        <Title order={2} size="h4">{t('hotlineConsole.screening.title')}</Title>
        {!opened && <Button variant="light" size="xs" onClick={() => setOpened(true)} data-testid="open-screening">{t('hotlineConsole.screening.start')}</Button>}
      </Group>
      {earlier.length > 0 && !last && <Text size="sm" c="dimmed" mt="xs">{t('hotlineConsole.screening.earlier', { count: earlier.length })}</Text>}
      {earlier.length > 0 && !opened && <ScreeningResult s={earlier[earlier.length - 1]!} catalogue={catalogue.data} />}
      {opened && (
        <Stack gap="sm" mt="sm">
          <ConsoleErrorAlert error={catalogue.error ?? f.error} />
          <Group align="flex-end" wrap="wrap">
            {persons.length > 0 && (
              <NativeSelect
                label={t('hotlineConsole.screening.person')}
                value={personIndex}
                onChange={(e) => pickPerson(e.currentTarget.value)}
                data={[{ value: '', label: '—' }, ...persons.map((p, i) => ({ value: String(i), label: `${i + 1}. ${hl(t, 'personRole', p.role, p.sex)}${p.age !== null ? `, ${p.age}` : ''}` }))]}
              />
            )}
            <NumberInput label={t('hotlineConsole.person.age')} w={100} min={0} max={120} allowDecimal={false} value={age ?? ''} onChange={(v) => setAge(typeof v === 'number' ? v : null)} error={f.errors.age} data-testid="screening-age" />
            <Checkbox label={t('hotlineConsole.screening.ageVerified')} checked={ageVerified} onChange={(e) => setAgeVerified(e.currentTarget.checked)} mb={8} />
            <Checkbox label={t('hotlineConsole.person.possiblyChild')} checked={possiblyChild} onChange={(e) => setPossiblyChild(e.currentTarget.checked)} mb={8} />
          </Group>
          <Group align="flex-end" wrap="wrap">
            <Stack gap={4}>
              <Text size="sm" fw={500}>{t('hotlineConsole.screening.exploitation')}</Text>
              <SegmentedControl value={exploitation} onChange={(v) => { setExploitation(v as ExploitationType); setCodes([]); }} data={(['labour', 'sexual'] as const).map((x) => ({ value: x, label: hl(t, 'exploitation', x) }))} aria-label={t('hotlineConsole.screening.exploitation')} />
            </Stack>
            <NativeSelect label={t('hotlineConsole.screening.source')} value={source} onChange={(e) => setSource(e.currentTarget.value)} data={OBSERVATION_SOURCES.map((s) => ({ value: s, label: hl(t, 'source', s) }))} />
          </Group>
          <Group gap="xs" data-testid="screening-list" data-list={choice.list}>
            <Text size="sm">{t('hotlineConsole.screening.list')}</Text>
            <Badge variant="filled">{hl(t, 'list', choice.list)}</Badge>
            <Text size="xs" c="dimmed">{t(`hotlineConsole.screening.listReason.${choice.reason}`)}</Text>
          </Group>
          {listInfo?.provisional && (
            <Alert color="orange" variant="light" title={t('hotlineConsole.screening.provisionalTitle')} data-testid="provisional-warning">
              {t('hotlineConsole.screening.provisional')} <Text span size="xs" c="dimmed">({listInfo.note})</Text>
            </Alert>
          )}
          {catalogue.data && <IndicatorPicker catalogue={catalogue.data} list={choice.list} codes={codes} onChange={setCodes} />}
          {choice.child && <Checkbox label={t('hotlineConsole.screening.recruitmentAct')} checked={recruitment} onChange={(e) => setRecruitment(e.currentTarget.checked)} />}
          <Group justify="flex-end">
            <Button onClick={() => void submit()} loading={f.busy} data-testid="store-screening">{t('hotlineConsole.screening.store', { count: codes.length })}</Button>
          </Group>
          {last && <ScreeningResult s={last} catalogue={catalogue.data} />}
        </Stack>
      )}
    </Card>
  );
}

function IndicatorPicker({ catalogue, list, codes, onChange }: { catalogue: CatalogueView; list: Screening['list']; codes: string[]; onChange: (c: string[]) => void }) {
  const { t } = useTranslation();
  const byDim = useMemo(() => DIMENSIONS.map((d) => ({ d, label: catalogue.dimensions.find((x) => x.code === d)?.label ?? d, items: catalogue.indicators.filter((i) => i.dimension === d && i.strength[list]) })), [catalogue, list]);
  const toggle = (code: string, on: boolean) => onChange(on ? [...codes, code] : codes.filter((c) => c !== code));
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
      {byDim.map(({ d, label, items }) => (
        <Card key={d} withBorder padding="xs" data-testid={`dimension-${d}`}>
          <Text size="sm" fw={700} mb={4}>{d} · {t(`hotlineConsole.dimension.${d}`, { defaultValue: label })}</Text>
          <Stack gap={4}>
            {items.map((i) => {
              const s = i.strength[list]!;
              return (
                <Checkbox
                  key={i.code}
                  size="xs"
                  checked={codes.includes(i.code)}
                  onChange={(e) => toggle(i.code, e.currentTarget.checked)}
                  data-code={i.code}
                  label={<Group gap={4} wrap="nowrap"><Badge size="xs" color={STRENGTH_COLORS[s]} title={t(`hotlineConsole.strength.${s}`)}>{s}</Badge><Text size="xs">{i.label}</Text></Group>}
                />
              );
            })}
          </Stack>
        </Card>
      ))}
    </SimpleGrid>
  );
}

/** The result with its reasons, versions, and (when positive) the proposed referral. */
function ScreeningResult({ s, catalogue }: { s: Screening; catalogue: CatalogueView | undefined }) {
  const { t } = useTranslation();
  const label = (code: string) => catalogue?.indicators.find((i) => i.code === code)?.label ?? code;
  const r = s.result;
  return (
    <Stack gap="xs" mt="sm" data-testid="screening-result" data-presumed={String(r.presumedVictim)}>
      <Group gap="xs">
        <Badge size="lg" color={r.presumedVictim ? 'red' : 'gray'} variant="filled">{r.presumedVictim ? t('hotlineConsole.screening.presumed') : t('hotlineConsole.screening.notPresumed')}</Badge>
        <Badge variant="light">{hl(t, 'list', r.list)}</Badge>
        {r.provisional && <Badge color="orange">{t('hotlineConsole.screening.provisionalTitle')}</Badge>}
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 3 }} spacing={4}>
        {DIMENSIONS.map((d) => {
          const x = r.details[d];
          return (
            <Text key={d} size="xs" c={x.positive ? 'red.8' : 'dimmed'} data-testid={`result-${d}`} data-positive={String(x.positive)}>
              {x.positive ? '●' : '○'} {d}: {x.positive ? t('hotlineConsole.screening.positive') : t('hotlineConsole.screening.negative')} ({t('hotlineConsole.screening.counts', { s: x.strong.length, m: x.medium.length, w: x.weak.length })})
            </Text>
          );
        })}
      </SimpleGrid>
      <Stack gap={2}>
        <Text size="sm" fw={600}>{t('hotlineConsole.screening.reasons')}</Text>
        {r.reasons.map((why, i) => (
          <Text key={i} size="xs">
            {t(`hotlineConsole.reason.${why.code}`, { dimension: why.dimension ?? '', defaultValue: why.message })}
            {why.indicators?.length ? `: ${why.indicators.map(label).join('; ')}` : ''}
          </Text>
        ))}
      </Stack>
      {s.proposeReferral && (
        <Alert color="red" variant="light" title={t('hotlineConsole.screening.referralTitle')} data-testid="referral-proposal">
          {t('hotlineConsole.screening.referral')}
        </Alert>
      )}
      <Text size="xs" c="dimmed">{t('hotlineConsole.screening.versions', { catalogue: r.catalogueVersion, rule: r.ruleVersion })}</Text>
    </Stack>
  );
}
