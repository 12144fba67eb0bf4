import { useState } from 'react';
import { Button, Checkbox, Group, MultiSelect, NativeSelect, NumberInput, Stack, TextInput } from '@mantine/core';
import type { z } from 'zod';
import { useTranslation } from 'react-i18next';
import { COOPERATION_OUTCOMES, PROTECTION_MEASURES, TERMINATION_GROUNDS } from '../../../shared/justice.ts';
import { WITHDRAWAL_REASONS } from '../../../shared/schemas/justice-corrections.ts';
import type { CooperationView, DefendantView, ProceduralEventView, VictimView } from '../../../shared/schemas/justice.ts';
import { useJusticeProfile } from './api.ts';
import { Refusal, useCaseWrite } from './case-writes.tsx';

/** A correction: `run` sends it with its method. */
function useCorrection(caseId: string) {
  const w = useCaseWrite(caseId);
  return { run: w.send, error: w.error, busy: w.busy };
}

type Defendant = z.infer<typeof DefendantView>;
/** Events corrected as events; the others through their charge or verdict. */
const CORRECTABLE = new Set(['detained', 'released', 'suspended', 'resumed', 'extended', 'terminated', 'indicted', 'trial_opened', 'appeal_lodged', 'final']);



/** "Correct" that opens a small form in place. */
function Editor({ label, testId, children }: { label: string; testId: string; children: (close: () => void) => React.ReactNode }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (!open) return <Button size="compact-xs" variant="subtle" onClick={() => setOpen(true)} data-testid={testId}>{label}</Button>;
  return (
    <Stack gap={4}>
      {children(() => setOpen(false))}
      <Group><Button size="compact-xs" variant="default" onClick={() => setOpen(false)}>{t('justice.correct.cancel')}</Button></Group>
    </Stack>
  );
}

export function EventCorrection({ caseId, e }: { caseId: string; e: z.infer<typeof ProceduralEventView> }) {
  const { t } = useTranslation();
  const a = useCorrection(caseId);
  const [occurredOn, setOccurredOn] = useState(e.occurredOn);
  const [ground, setGround] = useState(e.ground ?? 'no_evidence');
  const [reason, setReason] = useState<string>('recorded_by_mistake');
  if (!CORRECTABLE.has(e.type)) return null;
  return (
    <Group gap="xs" align="flex-start">
      <Editor label={t('justice.correct.edit')} testId={`correct-event-${e.id}`}>
        {(close) => (
          <Group align="flex-end" wrap="wrap" gap="xs">
            <TextInput size="xs" type="date" label={t('justice.events.date')} value={occurredOn} onChange={(x) => setOccurredOn(x.currentTarget.value)} />
            {e.type === 'terminated' && <NativeSelect size="xs" label={t('justice.events.ground')} value={ground} onChange={(x) => setGround(x.currentTarget.value)} data={TERMINATION_GROUNDS.map((g) => ({ value: g, label: t(`justice.ground.${g}`) }))} />}
            <Button size="xs" loading={a.busy} onClick={() => void a.run('PATCH', `/events/${e.id}`, { occurredOn, ...(e.type === 'terminated' ? { ground } : {}) }).then((ok) => ok && close())}>{t('justice.correct.save')}</Button>
            <Refusal error={a.error} />
          </Group>
        )}
      </Editor>
      <Editor label={t('justice.correct.withdraw')} testId={`withdraw-event-${e.id}`}>
        {(close) => (
          <Group align="flex-end" wrap="wrap" gap="xs">
            <NativeSelect size="xs" label={t('justice.correct.reason')} value={reason} onChange={(x) => setReason(x.currentTarget.value)} data={WITHDRAWAL_REASONS.map((r) => ({ value: r, label: t(`justice.correct.reasons.${r}`) }))} />
            <Button size="xs" color="red" loading={a.busy} onClick={() => void a.run('POST', `/events/${e.id}/withdraw`, { reason }).then((ok) => ok && close())}>{t('justice.correct.withdrawTitle')}</Button>
            <Refusal error={a.error} />
          </Group>
        )}
      </Editor>
    </Group>
  );
}

export function ChargeCorrection({ caseId, d, charge }: { caseId: string; d: Defendant; charge: Defendant['charges'][number] }) {
  const { t } = useTranslation();
  const profile = useJusticeProfile();
  const a = useCorrection(caseId);
  const [article, setArticle] = useState(charge.article);
  const [broughtOn, setBroughtOn] = useState(charge.broughtOn);
  return (
    <Editor label={t('justice.correct.edit')} testId={`correct-charge-${charge.id}`}>
      {(close) => (
        <Group align="flex-end" wrap="wrap" gap="xs">
          <NativeSelect size="xs" label={t('justice.charges.article')} value={article} onChange={(x) => setArticle(x.currentTarget.value)} data={(profile.data?.statutes ?? []).map((s) => ({ value: s.code, label: `${s.code} ${s.label}` }))} />
          <TextInput size="xs" type="date" label={t('justice.charges.broughtOn')} value={broughtOn} onChange={(x) => setBroughtOn(x.currentTarget.value)} />
          <Button size="xs" loading={a.busy} onClick={() => void a.run('PATCH', `/defendants/${d.id}/charges/${charge.id}`, { article, broughtOn }).then((ok) => ok && close())}>{t('justice.correct.save')}</Button>
          <Refusal error={a.error} />
        </Group>
      )}
    </Editor>
  );
}

export function VerdictCorrection({ caseId, d, verdict }: { caseId: string; d: Defendant; verdict: Defendant['verdicts'][number] }) {
  const { t } = useTranslation();
  const a = useCorrection(caseId);
  const [outcome, setOutcome] = useState<string>(verdict.outcome);
  const [decidedOn, setDecidedOn] = useState(verdict.decidedOn);
  const [ground, setGround] = useState(verdict.terminationGround ?? 'no_evidence');
  if (verdict.outcome === 'reclassified') return null;
  return (
    <Editor label={t('justice.correct.edit')} testId={`correct-verdict-${verdict.id}`}>
      {(close) => (
        <Group align="flex-end" wrap="wrap" gap="xs">
          <NativeSelect size="xs" label={t('justice.charges.outcome')} value={outcome} onChange={(x) => setOutcome(x.currentTarget.value)} data={['convicted', 'acquitted', 'terminated', 'returned'].map((o) => ({ value: o, label: t(`justice.outcome.${o}`) }))} />
          {outcome === 'terminated' && <NativeSelect size="xs" label={t('justice.events.ground')} value={ground} onChange={(x) => setGround(x.currentTarget.value)} data={TERMINATION_GROUNDS.map((g) => ({ value: g, label: t(`justice.ground.${g}`) }))} />}
          <TextInput size="xs" type="date" label={t('justice.verdicts.decidedOn')} value={decidedOn} onChange={(x) => setDecidedOn(x.currentTarget.value)} />
          <Button
            size="xs"
            loading={a.busy}
            onClick={() => void a.run('PATCH', `/defendants/${d.id}/verdicts/${verdict.id}`, { outcome, decidedOn, ...(outcome === 'terminated' ? { terminationGround: ground } : {}) }).then((ok) => ok && close())}
          >
            {t('justice.correct.save')}
          </Button>
          <Refusal error={a.error} />
        </Group>
      )}
    </Editor>
  );
}

export function SentenceCorrection({ caseId, d, s }: { caseId: string; d: Defendant; s: Defendant['sentences'][number] }) {
  const { t } = useTranslation();
  const a = useCorrection(caseId);
  const [term, setTerm] = useState<number | string>(s.termMonths ?? '');
  const [suspended, setSuspended] = useState(s.suspended);
  const [probation, setProbation] = useState<number | string>(s.probationMonths ?? '');
  const num = (v: number | string) => (v === '' ? null : Number(v));
  return (
    <Editor label={t('justice.correct.edit')} testId={`correct-sentence-${s.id}`}>
      {(close) => (
        <Group align="flex-end" wrap="wrap" gap="xs">
          <NumberInput size="xs" label={t('justice.sentences.termMonths')} value={term} onChange={setTerm} w={110} />
          <Checkbox size="xs" label={t('justice.sentences.suspended')} checked={suspended} onChange={(x) => setSuspended(x.currentTarget.checked)} mb={6} />
          {suspended && <NumberInput size="xs" label={t('justice.sentences.probation')} value={probation} onChange={setProbation} w={110} />}
          <Button
            size="xs"
            loading={a.busy}
            onClick={() => void a.run('PATCH', `/defendants/${d.id}/sentences/${s.id}`, { termMonths: num(term), suspended, probationMonths: suspended ? num(probation) : null }).then((ok) => ok && close())}
          >
            {t('justice.correct.save')}
          </Button>
          <Refusal error={a.error} />
        </Group>
      )}
    </Editor>
  );
}

export function VictimEdit({ caseId, v }: { caseId: string; v: z.infer<typeof VictimView> }) {
  const { t } = useTranslation();
  const a = useCorrection(caseId);
  const [testified, setTestified] = useState(v.testified);
  const [measures, setMeasures] = useState<string[]>(v.protectionMeasures);
  const [claimed, setClaimed] = useState<number | string>(v.compensationClaimed ?? '');
  const [ordered, setOrdered] = useState<number | string>(v.compensationOrdered ?? '');
  const [paid, setPaid] = useState<number | string>(v.compensationPaid ?? '');
  const [nonPunishment, setNonPunishment] = useState(v.nonPunishment);
  const num = (x: number | string) => (x === '' ? null : Number(x));
  return (
    <Editor label={t('justice.correct.edit')} testId={`edit-victim-${v.id}`}>
      {(close) => (
        <Group align="flex-end" wrap="wrap" gap="xs">
          <Checkbox size="xs" label={t('justice.victims.testified')} checked={testified} onChange={(x) => setTestified(x.currentTarget.checked)} mb={6} />
          <MultiSelect size="xs" label={t('justice.victimEdit.protection')} data={PROTECTION_MEASURES.map((m) => ({ value: m, label: t(`justice.victimEdit.measure.${m}`) }))} value={measures} onChange={setMeasures} w={260} />
          <NumberInput size="xs" label={t('justice.victimEdit.claimed')} value={claimed} onChange={setClaimed} min={0} w={140} />
          <NumberInput size="xs" label={t('justice.victimEdit.ordered')} value={ordered} onChange={setOrdered} min={0} w={140} />
          <NumberInput size="xs" label={t('justice.victimEdit.paid')} value={paid} onChange={setPaid} min={0} w={140} />
          <Checkbox size="xs" label={t('justice.victimEdit.nonPunishment')} checked={nonPunishment} onChange={(x) => setNonPunishment(x.currentTarget.checked)} mb={6} />
          <Button
            size="xs"
            loading={a.busy}
            onClick={() =>
              void a
                .run('PATCH', `/victims/${v.id}`, { testified, protectionMeasures: measures, compensationClaimed: num(claimed), compensationOrdered: num(ordered), compensationPaid: num(paid), nonPunishment })
                .then((ok) => ok && close())
            }
          >
            {t('justice.victimEdit.save')}
          </Button>
          <Refusal error={a.error} />
        </Group>
      )}
    </Editor>
  );
}

export function CooperationEdit({ caseId, r }: { caseId: string; r: z.infer<typeof CooperationView> }) {
  const { t } = useTranslation();
  const a = useCorrection(caseId);
  const [outcome, setOutcome] = useState<string>(r.outcome);
  const [outcomeOn, setOutcomeOn] = useState(r.outcomeOn ?? '');
  return (
    <Editor label={t('justice.correct.edit')} testId={`edit-cooperation-${r.id}`}>
      {(close) => (
        <Group align="flex-end" wrap="wrap" gap="xs">
          <NativeSelect size="xs" label={t('justice.cooperation.outcomeLabel')} value={outcome} onChange={(x) => setOutcome(x.currentTarget.value)} data={COOPERATION_OUTCOMES.map((k) => ({ value: k, label: t(`justice.cooperation.outcome.${k}`) }))} />
          <TextInput size="xs" type="date" label={t('justice.cooperationEdit.outcomeOn')} value={outcomeOn} onChange={(x) => setOutcomeOn(x.currentTarget.value)} />
          <Button size="xs" loading={a.busy} onClick={() => void a.run('PATCH', `/cooperation/${r.id}`, { outcome, outcomeOn: outcomeOn || null }).then((ok) => ok && close())}>{t('justice.cooperationEdit.save')}</Button>
          <Refusal error={a.error} />
        </Group>
      )}
    </Editor>
  );
}
