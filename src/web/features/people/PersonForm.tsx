import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Checkbox, Group, NativeSelect, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { PERSON_SEXES } from '../../../shared/people.ts';
import { CreatePersonBody, type PersonView } from '../../../shared/schemas/people.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { createPerson, displayName, useDuplicates } from './api.ts';

type NameFields = { givenName: string; familyName: string; patronymic: string };
const emptyName: NameFields = { givenName: '', familyName: '', patronymic: '' };
const orNull = (s: string) => (s.trim() ? s.trim() : null);
const nameBody = (n: NameFields) => ({ givenName: orNull(n.givenName), familyName: orNull(n.familyName), patronymic: orNull(n.patronymic) });

/**
 * Records a person: names in any script (and aliases), sex, birth date or year (or an estimate),
 * citizenship, languages. While the user types, the people they may see who are likely the same
 * person are shown before anything is saved; `onPickExisting` lets the caller (a case) use one of
 * them instead of recording a duplicate.
 */
export function PersonForm({ onSaved, onCancel, onPickExisting, submitLabel, save = createPerson }: {
  onSaved: (person: PersonView) => void;
  onCancel?: () => void;
  onPickExisting?: (person: PersonView) => void;
  submitLabel?: string;
  /** How the checked body is sent: `POST /people` unless the caller records the person its own way (with a case). */
  save?: (body: CreatePersonBody) => Promise<PersonView>;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState<NameFields>(emptyName);
  const [aliases, setAliases] = useState<NameFields[]>([]);
  const [f, setF] = useState({ sex: 'unknown', birthDate: '', birthYear: '', birthYearEstimated: false, citizenship: '', languages: '' });
  const { errors, error, busy, submit } = useFormSubmit();

  const hasName = name.givenName.trim() !== '' || name.familyName.trim() !== '';
  const year = /^\d{4}$/.test(f.birthYear) ? Number(f.birthYear) : null;
  const check = hasName
    ? {
        name: nameBody(name),
        ...(f.sex !== 'unknown' ? { sex: f.sex as (typeof PERSON_SEXES)[number] } : {}),
        ...(/^\d{4}-\d{2}-\d{2}$/.test(f.birthDate) ? { birthDate: f.birthDate } : year ? { birthYear: year, birthYearEstimated: f.birthYearEstimated } : {}),
        ...(/^[A-Z]{3}$/.test(f.citizenship.trim().toUpperCase()) ? { citizenship: f.citizenship.trim().toUpperCase() } : {}),
      }
    : null;
  const [debounced] = useDebouncedValue(check, 350);
  const duplicates = useDuplicates(debounced);

  const body = () => ({
    name: nameBody(name),
    aliases: aliases.filter((a) => a.givenName.trim() || a.familyName.trim()).map(nameBody),
    sex: f.sex,
    ...(f.birthDate ? { birthDate: f.birthDate } : f.birthYear ? { birthYear: Number(f.birthYear), birthYearEstimated: f.birthYearEstimated } : {}),
    citizenship: orNull(f.citizenship.toUpperCase()),
    languages: f.languages.split(/[\s,]+/).map((l) => l.trim().toLowerCase()).filter(Boolean),
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit(CreatePersonBody, body(), async (data) => onSaved(await save(data)));
  };

  const nameInputs = (n: NameFields, set: (n: NameFields) => void, prefix: string, label: string) => (
    <Group grow align="flex-start">
      <TextInput label={t('people.field.givenName')} value={n.givenName} onChange={(e) => set({ ...n, givenName: e.currentTarget.value })} error={errors[`${prefix}.givenName`]} aria-label={`${label}: ${t('people.field.givenName')}`} />
      <TextInput label={t('people.field.patronymic')} description={t('people.field.patronymicHint')} value={n.patronymic} onChange={(e) => set({ ...n, patronymic: e.currentTarget.value })} error={errors[`${prefix}.patronymic`]} aria-label={`${label}: ${t('people.field.patronymic')}`} />
      <TextInput label={t('people.field.familyName')} value={n.familyName} onChange={(e) => set({ ...n, familyName: e.currentTarget.value })} error={errors[`${prefix}.familyName`]} aria-label={`${label}: ${t('people.field.familyName')}`} />
    </Group>
  );

  const found = duplicates.data?.items ?? [];
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        {nameInputs(name, setName, 'name', t('people.field.name'))}
        {aliases.map((a, k) => (
          <Group key={k} align="flex-end" wrap="nowrap">
            <div style={{ flex: 1 }}>{nameInputs(a, (v) => setAliases(aliases.map((x, j) => (j === k ? v : x))), `aliases.${k}`, `${t('people.field.alias')} ${k + 1}`)}</div>
            <Button variant="subtle" color="red" onClick={() => setAliases(aliases.filter((_, j) => j !== k))}>{t('people.removeAlias')}</Button>
          </Group>
        ))}
        <Group>
          <Button variant="subtle" onClick={() => setAliases([...aliases, emptyName])}>{t('people.addAlias')}</Button>
        </Group>
        <Group grow align="flex-start">
          <NativeSelect label={t('people.field.sex')} value={f.sex} onChange={(e) => setF({ ...f, sex: e.currentTarget.value })} data={PERSON_SEXES.map((s) => ({ value: s, label: t(`people.sex.${s}`) }))} error={errors.sex} />
          <TextInput label={t('people.field.birthDate')} type="date" value={f.birthDate} onChange={(e) => setF({ ...f, birthDate: e.currentTarget.value })} error={errors.birthDate} />
          <TextInput label={t('people.field.birthYear')} inputMode="numeric" value={f.birthYear} disabled={f.birthDate !== ''} onChange={(e) => setF({ ...f, birthYear: e.currentTarget.value.replace(/\D/g, '').slice(0, 4) })} error={errors.birthYear} />
        </Group>
        <Checkbox label={t('people.field.birthYearEstimated')} checked={f.birthYearEstimated} disabled={f.birthDate !== ''} onChange={(e) => setF({ ...f, birthYearEstimated: e.currentTarget.checked })} />
        <Group grow align="flex-start">
          <TextInput label={t('people.field.citizenship')} description={t('people.field.citizenshipHint')} value={f.citizenship} maxLength={3} onChange={(e) => setF({ ...f, citizenship: e.currentTarget.value.toUpperCase() })} error={errors.citizenship} />
          <TextInput label={t('people.field.languages')} description={t('people.field.languagesHint')} value={f.languages} onChange={(e) => setF({ ...f, languages: e.currentTarget.value })} error={errors.languages ?? errors['languages.0']} />
        </Group>

        {hasName && found.length > 0 && (
          <Alert color="yellow" variant="light" title={t('people.duplicates.title')} data-testid="person-duplicates">
            <Stack gap="xs">
              <Text size="sm">{t('people.duplicates.intro')}</Text>
              {found.map((d) => (
                <Paper key={d.person.id} withBorder p="xs" data-testid="person-duplicate">
                  <Group justify="space-between" wrap="nowrap">
                    <div>
                      <Text fw={600}>{displayName(d.person) ?? t('people.hiddenName')}</Text>
                      <Text size="xs" c="dimmed">
                        {[d.person.birthYear ? `${d.person.birthYearEstimated ? '~' : ''}${d.person.birthYear}` : null, d.person.citizenship, t(`people.sex.${d.person.sex}`)].filter(Boolean).join(' · ')}
                        {d.matchedName && d.matchedName !== displayName(d.person) ? ` · ${t('people.matchedAs', { name: d.matchedName })}` : ''}
                      </Text>
                      <Group gap={4} mt={4}>
                        {d.reasons.map((r) => <Badge key={r} size="xs" variant="light" color={r.endsWith('differs') || r === 'different_word' ? 'gray' : 'teal'}>{t(`people.reason.${r}`, { defaultValue: r })}</Badge>)}
                      </Group>
                    </div>
                    <Stack gap={4} align="flex-end">
                      <Badge color={d.likely ? 'red' : 'yellow'} variant="filled">{d.likely ? t('people.duplicates.likely') : t('people.duplicates.possible')} {Math.round(d.score * 100)}%</Badge>
                      {onPickExisting && <Button size="xs" variant="light" onClick={() => onPickExisting(d.person)}>{t('people.duplicates.useThis')}</Button>}
                    </Stack>
                  </Group>
                </Paper>
              ))}
            </Stack>
          </Alert>
        )}

        <ErrorAlert error={error} />
        <Group justify="flex-end">
          {onCancel && <Button variant="default" onClick={onCancel}>{t('common.cancel')}</Button>}
          <Button type="submit" loading={busy}>{submitLabel ?? t('people.save')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
