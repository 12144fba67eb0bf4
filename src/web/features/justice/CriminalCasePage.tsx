import { useState } from 'react';
import { Alert, Badge, Button, Checkbox, Group, NativeSelect, NumberInput, Paper, SimpleGrid, Stack, Table, Text, TextInput, Timeline, Title } from '@mantine/core';
import type { z } from 'zod';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../components/format.ts';
import { useParams } from 'react-router';
import {
  APPEAL_PARTIES,
  COOPERATION_DIRECTIONS,
  COOPERATION_KINDS,
  COOPERATION_OUTCOMES,
  DEFENDANT_ROLES,
  DEFERRAL_GROUNDS,
  INSTANCES,
  PROCEDURAL_EVENT_TYPES,
  SENTENCE_TYPES,
  TERMINATION_GROUNDS,
  VERDICT_OUTCOMES,
} from '../../../shared/justice.ts';
import type { CriminalCaseDetail, DefendantView } from '../../../shared/schemas/justice.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { useAgenciesOfType, useCriminalCase, useJusticeProfile } from './api.ts';
import { Refusal, useCaseWrite } from './case-writes.tsx';
import { ChargeCorrection, CooperationEdit, EventCorrection, SentenceCorrection, VerdictCorrection, VictimEdit } from './Corrections.tsx';

type Detail = z.infer<typeof CriminalCaseDetail>;
type Defendant = z.infer<typeof DefendantView>;
const RECORDABLE_EVENTS = PROCEDURAL_EVENT_TYPES.filter((e) => !['opened', 'verdict', 'appeal_decided', 'cassation', 'charged', 'suspect_identified'].includes(e));

/** A small form that posts and refreshes the case; shows the server's refusal (field and message). */
function useAction(caseId: string) {
  const w = useCaseWrite(caseId);
  return { run: (path: string, body: unknown) => w.send('POST', path, body), error: w.error, busy: w.busy };
}



const name = (d: Defendant) => d.legalEntityName ?? d.names?.find((n) => n.kind === 'primary')?.asEntered ?? d.pseudonym;

function AddDefendant({ c }: { c: Detail }) {
  const { t } = useTranslation();
  const [given, setGiven] = useState('');
  const [family, setFamily] = useState('');
  const [sex, setSex] = useState('unknown');
  const [role, setRole] = useState('recruiter');
  const [official, setOfficial] = useState(false);
  const a = useAction(c.id);
  return (
    <Paper withBorder p="sm" data-testid="add-defendant">
      <Title order={3} size="h6" mb="xs">{t('justice.defendants.add')}</Title>
      <Group align="flex-end" wrap="wrap">
        <TextInput label={t('justice.defendants.givenName')} value={given} onChange={(e) => setGiven(e.currentTarget.value)} />
        <TextInput label={t('justice.defendants.familyName')} value={family} onChange={(e) => setFamily(e.currentTarget.value)} />
        <NativeSelect label={t('justice.defendants.sex')} value={sex} onChange={(e) => setSex(e.currentTarget.value)} data={['female', 'male', 'other', 'unknown'].map((s) => ({ value: s, label: t(`justice.sex.${s}`) }))} />
        <NativeSelect label={t('justice.defendants.role')} value={role} onChange={(e) => setRole(e.currentTarget.value)} data={DEFENDANT_ROLES.map((r) => ({ value: r, label: t(`justice.role.${r}`) }))} />
        <Checkbox label={t('justice.defendants.official')} checked={official} onChange={(e) => setOfficial(e.currentTarget.checked)} mb={8} />
        <Button
          loading={a.busy}
          onClick={() =>
            void a.run('/defendants', { person: { name: { givenName: given || null, familyName: family || null }, sex }, role, isOfficial: official }).then((ok) => {
              if (ok) {
                setGiven('');
                setFamily('');
              }
            })
          }
        >
          {t('justice.defendants.addButton')}
        </Button>
      </Group>
      <Refusal error={a.error} />
    </Paper>
  );
}

function DefendantCard({ c, d }: { c: Detail; d: Defendant }) {
  const { t } = useTranslation();
  const f = useFormat();
  const profile = useJusticeProfile();
  const a = useAction(c.id);
  const [article, setArticle] = useState('');
  const [broughtOn, setBroughtOn] = useState('');
  const [instance, setInstance] = useState('first');
  const [decidedOn, setDecidedOn] = useState('');
  const [outcomes, setOutcomes] = useState<Record<string, string>>({});
  const [sType, setSType] = useState('imprisonment');
  const [sInstance, setSInstance] = useState('first');
  const [imposedOn, setImposedOn] = useState('');
  const [term, setTerm] = useState<number | string>('');
  const [fine, setFine] = useState<number | string>('');
  const [suspended, setSuspended] = useState(false);
  const [probation, setProbation] = useState<number | string>('');
  const [deferred, setDeferred] = useState(false);
  const [deferralGround, setDeferralGround] = useState('child_under_age');
  const [belowGround, setBelowGround] = useState('');
  const open = d.charges.filter((ch) => !ch.reclassifiedToChargeId);
  const num = (v: number | string) => (v === '' ? null : Number(v));
  return (
    <Paper withBorder p="sm" data-testid={`defendant-${d.pseudonym}`}>
      <Group justify="space-between">
        <Title order={3} size="h5">{name(d)}</Title>
        <Group gap="xs">
          <Badge variant="light">{d.pseudonym}</Badge>
          <Badge variant="light">{t(`justice.sex.${d.sex}`, { defaultValue: d.sex })}</Badge>
          <Badge variant="light">{t(`justice.role.${d.role}`)}</Badge>
          {d.isOfficial && <Badge color="grape">{t('justice.defendants.official')}</Badge>}
        </Group>
      </Group>
      <Table mt="xs" data-testid="charges">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('justice.charges.article')}</Table.Th>
            <Table.Th>{t('justice.charges.broughtOn')}</Table.Th>
            <Table.Th>{t('justice.charges.outcome')}</Table.Th>
            {c.canUpdate && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {d.charges.map((ch) => (
            <Table.Tr key={ch.id}>
              <Table.Td>{ch.article}</Table.Td>
              <Table.Td>{f.day(ch.broughtOn)}</Table.Td>
              <Table.Td>{ch.outcome ? `${t(`justice.outcome.${ch.outcome}`)} (${f.day(ch.outcomeOn)}, ${t(`justice.instance.${ch.outcomeInstance}`)})` : '—'}</Table.Td>
              {c.canUpdate && <Table.Td><ChargeCorrection caseId={c.id} d={d} charge={ch} /></Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {d.verdicts.length > 0 && (
        <Table mt="xs" data-testid="verdicts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('justice.verdicts.decidedOn')}</Table.Th>
              <Table.Th>{t('justice.charges.article')}</Table.Th>
              <Table.Th>{t('justice.charges.outcome')}</Table.Th>
              {c.canUpdate && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.verdicts.map((v) => (
              <Table.Tr key={v.id} data-testid="verdict-row">
                <Table.Td>{f.day(v.decidedOn)} ({t(`justice.instance.${v.instance}`)})</Table.Td>
                <Table.Td>{d.charges.find((ch) => ch.id === v.chargeId)?.article ?? '—'}</Table.Td>
                <Table.Td>{t(`justice.outcome.${v.outcome}`)}{v.terminationGround ? ` (${t(`justice.ground.${v.terminationGround}`, { defaultValue: v.terminationGround })})` : ''}</Table.Td>
                {c.canUpdate && <Table.Td><VerdictCorrection caseId={c.id} d={d} verdict={v} /></Table.Td>}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {d.sentences.length > 0 && (
        <Table mt="xs" data-testid="sentences">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('justice.sentences.imposedOn')}</Table.Th>
              <Table.Th>{t('justice.sentences.type')}</Table.Th>
              <Table.Th>{t('justice.sentences.term')}</Table.Th>
              <Table.Th>{t('justice.sentences.band')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.sentences.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>{f.day(s.imposedOn)} ({t(`justice.instance.${s.instance}`)})</Table.Td>
                <Table.Td>{t(`justice.sentenceType.${s.type}`)}{s.suspended ? `, ${t('justice.sentences.suspended')}` : ''}{s.deferred ? `, ${t('justice.sentences.deferred')} (${t(`justice.deferral.${s.deferralGround}`)})` : ''}</Table.Td>
                <Table.Td>{s.termMonths ?? s.fineAmount ?? '—'}</Table.Td>
                <Table.Td>{t(`justice.band.${s.band}`)}</Table.Td>
                <Table.Td>
                  {s.inForce && <Badge color="green">{t('justice.sentences.inForce')}</Badge>}
                  {s.reviewFlag && <Badge color="orange" ml="xs">{t(`justice.review.${s.reviewFlag}`)}</Badge>}
                  {c.canUpdate && <SentenceCorrection caseId={c.id} d={d} s={s} />}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {c.canUpdate && (
        <Stack gap="xs" mt="sm">
          <Group align="flex-end" wrap="wrap" data-testid="charge-form">
            <NativeSelect label={t('justice.charges.article')} value={article} onChange={(e) => setArticle(e.currentTarget.value)} data={[{ value: '', label: '—' }, ...(profile.data?.statutes ?? []).map((s) => ({ value: s.code, label: `${s.code} ${s.label}` }))]} />
            <TextInput type="date" label={t('justice.charges.broughtOn')} value={broughtOn} onChange={(e) => setBroughtOn(e.currentTarget.value)} />
            <Button variant="light" loading={a.busy} onClick={() => void a.run(`/defendants/${d.id}/charges`, { article, broughtOn })}>{t('justice.charges.add')}</Button>
          </Group>
          {open.length > 0 && (
            <Group align="flex-end" wrap="wrap" data-testid="verdict-form">
              <NativeSelect label={t('justice.verdicts.instance')} value={instance} onChange={(e) => setInstance(e.currentTarget.value)} data={INSTANCES.map((i) => ({ value: i, label: t(`justice.instance.${i}`) }))} />
              <TextInput type="date" label={t('justice.verdicts.decidedOn')} value={decidedOn} onChange={(e) => setDecidedOn(e.currentTarget.value)} />
              {open.map((ch) => (
                <NativeSelect
                  key={ch.id}
                  label={t('justice.verdicts.on', { article: ch.article })}
                  value={outcomes[ch.id] ?? ''}
                  onChange={(e) => setOutcomes({ ...outcomes, [ch.id]: e.currentTarget.value })}
                  data={[{ value: '', label: '—' }, ...VERDICT_OUTCOMES.filter((o) => o !== 'terminated' && o !== 'reclassified').map((o) => ({ value: o, label: t(`justice.outcome.${o}`) }))]}
                />
              ))}
              <Button
                variant="light"
                loading={a.busy}
                onClick={() =>
                  void a.run(`/defendants/${d.id}/verdicts`, {
                    instance,
                    decidedOn,
                    outcomes: Object.entries(outcomes).filter(([, o]) => o).map(([chargeId, outcome]) => ({ chargeId, outcome })),
                  })
                }
              >
                {t('justice.verdicts.record')}
              </Button>
            </Group>
          )}
          {d.verdicts.some((v) => v.outcome === 'convicted') && (
            <Group align="flex-end" wrap="wrap" data-testid="sentence-form">
              <NativeSelect label={t('justice.verdicts.instance')} value={sInstance} onChange={(e) => setSInstance(e.currentTarget.value)} data={INSTANCES.map((i) => ({ value: i, label: t(`justice.instance.${i}`) }))} />
              <TextInput type="date" label={t('justice.sentences.imposedOn')} value={imposedOn} onChange={(e) => setImposedOn(e.currentTarget.value)} />
              <NativeSelect label={t('justice.sentences.type')} value={sType} onChange={(e) => setSType(e.currentTarget.value)} data={SENTENCE_TYPES.map((s) => ({ value: s, label: t(`justice.sentenceType.${s}`) }))} />
              <NumberInput label={t('justice.sentences.termMonths')} value={term} onChange={setTerm} w={110} />
              {sType === 'fine' && <NumberInput label={t('justice.sentences.fine')} value={fine} onChange={setFine} w={120} />}
              <Checkbox label={t('justice.sentences.suspended')} checked={suspended} onChange={(e) => setSuspended(e.currentTarget.checked)} mb={8} />
              {suspended && <NumberInput label={t('justice.sentences.probation')} value={probation} onChange={setProbation} w={110} />}
              <Checkbox label={t('justice.sentences.deferred')} checked={deferred} onChange={(e) => setDeferred(e.currentTarget.checked)} mb={8} />
              {deferred && <NativeSelect label={t('justice.sentences.deferralGround')} value={deferralGround} onChange={(e) => setDeferralGround(e.currentTarget.value)} data={DEFERRAL_GROUNDS.map((g) => ({ value: g, label: t(`justice.deferral.${g}`) }))} />}
              <TextInput label={t('justice.sentences.belowGround')} value={belowGround} onChange={(e) => setBelowGround(e.currentTarget.value)} />
              <Button
                variant="light"
                loading={a.busy}
                onClick={() =>
                  void a.run(`/defendants/${d.id}/sentences`, {
                    instance: sInstance,
                    imposedOn,
                    type: sType,
                    termMonths: num(term),
                    fineAmount: num(fine),
                    suspended,
                    probationMonths: suspended ? num(probation) : null,
                    deferred,
                    deferralGround: deferred ? deferralGround : null,
                    belowMinimumGround: belowGround || null,
                  })
                }
              >
                {t('justice.sentences.record')}
              </Button>
            </Group>
          )}
          <Refusal error={a.error} />
        </Stack>
      )}
    </Paper>
  );
}

function AddEvent({ c }: { c: Detail }) {
  const { t } = useTranslation();
  const courts = useAgenciesOfType('court');
  const [type, setType] = useState<string>('indicted');
  const [occurredOn, setOccurredOn] = useState('');
  const [defendantId, setDefendantId] = useState('');
  const [ground, setGround] = useState('no_evidence');
  const [appealBy, setAppealBy] = useState('defence');
  const [court, setCourt] = useState('');
  const a = useAction(c.id);
  return (
    <Paper withBorder p="sm" data-testid="add-event">
      <Title order={3} size="h6" mb="xs">{t('justice.events.add')}</Title>
      <Group align="flex-end" wrap="wrap">
        <NativeSelect label={t('justice.events.type')} value={type} onChange={(e) => setType(e.currentTarget.value)} data={RECORDABLE_EVENTS.map((e) => ({ value: e, label: t(`justice.event.${e}`) }))} />
        <TextInput type="date" label={t('justice.events.date')} value={occurredOn} onChange={(e) => setOccurredOn(e.currentTarget.value)} />
        <NativeSelect label={t('justice.events.defendant')} value={defendantId} onChange={(e) => setDefendantId(e.currentTarget.value)} data={[{ value: '', label: '—' }, ...c.defendantList.map((d) => ({ value: d.id, label: name(d) }))]} />
        {type === 'terminated' && <NativeSelect label={t('justice.events.ground')} value={ground} onChange={(e) => setGround(e.currentTarget.value)} data={TERMINATION_GROUNDS.map((g) => ({ value: g, label: t(`justice.ground.${g}`) }))} />}
        {type === 'appeal_lodged' && <NativeSelect label={t('justice.events.appealBy')} value={appealBy} onChange={(e) => setAppealBy(e.currentTarget.value)} data={APPEAL_PARTIES.map((g) => ({ value: g, label: t(`justice.appealBy.${g}`) }))} />}
        {type === 'indicted' && <NativeSelect label={t('justice.events.court')} value={court} onChange={(e) => setCourt(e.currentTarget.value)} data={[{ value: '', label: '—' }, ...(courts.data ?? [])]} />}
        <Button
          loading={a.busy}
          onClick={() =>
            void a.run('/events', {
              type,
              occurredOn,
              ...(defendantId ? { defendantId } : {}),
              ...(type === 'terminated' ? { ground } : {}),
              ...(type === 'appeal_lodged' ? { appealBy } : {}),
              ...(type === 'indicted' && court ? { courtAgencyId: court } : {}),
            })
          }
        >
          {t('justice.events.record')}
        </Button>
      </Group>
      <Refusal error={a.error} />
    </Paper>
  );
}

function Cooperation({ c }: { c: Detail }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [kind, setKind] = useState('extradition');
  const [direction, setDirection] = useState('sent');
  const [country, setCountry] = useState('');
  const [requestedOn, setRequestedOn] = useState('');
  const [outcome, setOutcome] = useState('pending');
  const a = useAction(c.id);
  return (
    <Paper withBorder p="sm">
      <Title order={2} size="h5" mb="xs">{t('justice.cooperation.title')}</Title>
      {c.cooperation.map((r) => (
        <Group key={r.id} gap="xs">
          <Text size="sm">{`${t(`justice.cooperation.kind.${r.kind}`)} · ${t(`justice.cooperation.direction.${r.direction}`)} · ${r.country} · ${f.day(r.requestedOn)} · ${t(`justice.cooperation.outcome.${r.outcome}`)}${r.outcomeOn ? ` (${f.day(r.outcomeOn)})` : ''}`}</Text>
          {c.canUpdate && <CooperationEdit caseId={c.id} r={r} />}
        </Group>
      ))}
      {c.canUpdate && (
        <Group align="flex-end" wrap="wrap" mt="xs">
          <NativeSelect label={t('justice.cooperation.kindLabel')} value={kind} onChange={(e) => setKind(e.currentTarget.value)} data={COOPERATION_KINDS.map((k) => ({ value: k, label: t(`justice.cooperation.kind.${k}`) }))} />
          <NativeSelect label={t('justice.cooperation.directionLabel')} value={direction} onChange={(e) => setDirection(e.currentTarget.value)} data={COOPERATION_DIRECTIONS.map((k) => ({ value: k, label: t(`justice.cooperation.direction.${k}`) }))} />
          <TextInput label={t('justice.cooperation.country')} value={country} onChange={(e) => setCountry(e.currentTarget.value.toUpperCase())} w={80} maxLength={2} />
          <TextInput type="date" label={t('justice.cooperation.requestedOn')} value={requestedOn} onChange={(e) => setRequestedOn(e.currentTarget.value)} />
          <NativeSelect label={t('justice.cooperation.outcomeLabel')} value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)} data={COOPERATION_OUTCOMES.map((k) => ({ value: k, label: t(`justice.cooperation.outcome.${k}`) }))} />
          <Button variant="light" loading={a.busy} onClick={() => void a.run('/cooperation', { kind, direction, country, requestedOn, outcome })}>{t('justice.cooperation.record')}</Button>
        </Group>
      )}
      <Refusal error={a.error} />
    </Paper>
  );
}

/** The criminal case page: summary, dated timeline, defendants with charges, verdicts and sentences, victims, requests. */
export function CriminalCasePage() {
  const { id } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const q = useCriminalCase(id!);
  const c = q.data;
  return (
    <Page title={c ? t('justice.case.title', { number: c.caseNumber }) : t('justice.case.loading')} description={c ? `${c.ownerAgencyName} · ${t(`justice.body.${c.body}`)}` : undefined}>
      <ErrorAlert error={q.error} />
      {c && (
        <>
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <Paper withBorder p="sm" data-testid="case-summary">
              <Text size="sm">{t('justice.fields.openedOn')}: {f.longDay(c.openedOn)}</Text>
              <Text size="sm">{t('justice.fields.articles')}: {c.articles.join(', ')}</Text>
              <Text size="sm">{t('justice.fields.forms')}: {c.forms.map((f) => t(`justice.htcds.${f}`)).join(', ') || '—'}</Text>
              {c.places && <Text size="sm">{t('justice.fields.places')}: {c.places.join(', ') || '—'}</Text>}
              <Text size="sm">{t('justice.fields.status')}: <Badge variant="light" data-testid="case-status">{t(`justice.status.${c.status}`)}</Badge></Text>
              {c.officialComplicity && <Badge color="grape">{t('justice.fields.complicity')}{c.complicityAgencyType ? `: ${t(`justice.officialAgency.${c.complicityAgencyType}`)}` : ''}</Badge>}
              {c.investigationDueOn && <Text size="sm" c={c.overdue ? 'red' : undefined}>{t('justice.deadlines.due', { date: f.longDay(c.investigationDueOn) })}</Text>}
            </Paper>
            <Paper withBorder p="sm" style={{ gridColumn: 'span 2' }}>
              <Title order={2} size="h5" mb="xs">{t('justice.timeline.title')}</Title>
              <Timeline bulletSize={14} lineWidth={2} data-testid="timeline">
                {c.events.map((e) => (
                  <Timeline.Item key={e.id} title={`${f.day(e.occurredOn)} · ${t(`justice.event.${e.type}`)}`}>
                    <Text size="xs" c="dimmed">
                      {[e.defendantPseudonym, e.ground ? t(`justice.ground.${e.ground}`, { defaultValue: e.ground }) : null, e.appealBy ? t(`justice.appealBy.${e.appealBy}`) : null].filter(Boolean).join(' · ')}
                    </Text>
                    {c.canUpdate && <EventCorrection caseId={c.id} e={e} />}
                  </Timeline.Item>
                ))}
              </Timeline>
            </Paper>
          </SimpleGrid>
          {c.warnings.map((w) => <Alert key={w} color="yellow">{t(`justice.warning.${w}`)}</Alert>)}
          <Title order={2} size="h4">{t('justice.defendants.title')}</Title>
          {c.defendantList.map((d) => <DefendantCard key={d.id} c={c} d={d} />)}
          {c.canUpdate && <AddDefendant c={c} />}
          {c.canUpdate && <AddEvent c={c} />}
          <Paper withBorder p="sm" data-testid="victims">
            <Title order={2} size="h5" mb="xs">{t('justice.victims.title')}</Title>
            {c.victims.length === 0 && <Text c="dimmed" size="sm">{t('justice.victims.none')}</Text>}
            {c.victims.map((v) => (
              <Group key={v.id} gap="xs">
                <Text size="sm" fw={600}>{v.identityShown && v.names?.[0] ? v.names[0].asEntered : v.pseudonym}</Text>
                <Text size="sm">{[t(`justice.sex.${v.sex}`, { defaultValue: v.sex }), t(`justice.ageGroup.${v.ageGroup}`), v.nationality].filter(Boolean).join(' · ')}</Text>
                {v.nrmCase && <Badge variant="light">{v.nrmCase.caseNumber}</Badge>}
                {!v.identityShown && <Badge color="gray" variant="light">{t('justice.victims.identityHidden')}</Badge>}
                {v.testified && <Badge variant="light">{t('justice.victims.testified')}</Badge>}
                {v.protectionMeasures.map((m) => <Badge key={m} variant="outline" size="sm">{t(`justice.victimEdit.measure.${m}`, { defaultValue: m })}</Badge>)}
                {v.compensationOrdered !== null && <Text size="sm">{`${t('justice.victimEdit.ordered')}: ${f.number(v.compensationOrdered)}`}</Text>}
                {v.compensationPaid !== null && <Text size="sm">{`${t('justice.victimEdit.paid')}: ${f.number(v.compensationPaid)}`}</Text>}
                {v.nonPunishment && <Badge variant="light" color="teal">{t('justice.victimEdit.nonPunishment')}</Badge>}
                {c.canUpdate && <VictimEdit caseId={c.id} v={v} />}
              </Group>
            ))}
          </Paper>
          <Cooperation c={c} />
        </>
      )}
    </Page>
  );
}
