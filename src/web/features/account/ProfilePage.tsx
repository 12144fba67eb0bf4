import { useMemo, useState, type FormEvent } from 'react';
import { Button, Card, Checkbox, Group, Select, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { UpdateMeBody } from '../../../shared/schemas/auth.ts';
import { LANGUAGES } from '../../../shared/schemas/common.ts';
import { useUpdateMe } from '../../api/account.ts';
import { useUser } from '../../api/session.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { isLanguage, LANGUAGE_NAMES } from '../../i18n/index.ts';

export function ProfilePage() {
  const { t } = useTranslation();
  const user = useUser();
  const updateMe = useUpdateMe();
  const [name, setName] = useState(user.name);
  const [language, setLanguage] = useState(user.language);
  const [timeZone, setTimeZone] = useState(user.timeZone);
  const [reminderEmails, setReminderEmails] = useState(user.reminderEmails);
  const { errors, error, busy, submit: send } = useFormSubmit();
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await send(UpdateMeBody, { name, language, timeZone, reminderEmails }, async (data) => {
      await updateMe(data);
      notifications.show({ color: 'teal', message: t('common.saved') });
    });
  };

  return (
    <Page title={t('nav.profile')} description={t('profile.intro')}>
      <Card withBorder padding="lg" maw={560}>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            <ErrorAlert error={error} />
            <TextInput label={t('field.email')} value={user.email} readOnly variant="filled" />
            <TextInput label={t('field.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} required />
            <Select
              label={t('account.language')}
              data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
              value={language}
              onChange={(v) => { if (isLanguage(v)) setLanguage(v); }}
              allowDeselect={false}
            />
            <Select label={t('field.timeZone')} data={zones} value={timeZone} onChange={(v) => v && setTimeZone(v)} searchable allowDeselect={false} error={errors.timeZone} />
            <Checkbox
              label={t('nrmOversight.profile.reminderEmails')}
              description={t('nrmOversight.profile.reminderEmailsHint')}
              checked={reminderEmails}
              onChange={(e) => setReminderEmails(e.currentTarget.checked)}
            />
            <Group>
              <Button type="submit" loading={busy}>{t('common.save')}</Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </Page>
  );
}
