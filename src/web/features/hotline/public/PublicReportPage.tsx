import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Box, Button, Checkbox, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isLanguage } from '../../../i18n/index.ts';
import { ErrorAlert, useFormSubmit } from '../../../components/errors.tsx';
import { ShowOnce } from '../../../components/ShowOnce.tsx';
import { prefetchPublicSchemas, publicHotline, publicSchemas } from './api.ts';
import { typedBeforeStart } from './prerendered.ts';
import { PublicReportChrome } from './QuickExit.tsx';

const EMPTY = { description: '', location: '', name: '', phone: '', email: '', callbackConsent: false, website: '' };
const opt = (s: string) => (s.trim() === '' ? undefined : s);

/** The public report form: no account; anonymous unless the reporter chooses to leave details. */
export function PublicReportPage() {
  const { t, i18n } = useTranslation();
  // The page may have arrived prerendered, with something already typed into it.
  const [v, setV] = useState(() => ({ ...EMPTY, description: typedBeforeStart('description'), location: typedBeforeStart('location') }));
  const [details, setDetails] = useState(false);
  const [receipt, setReceipt] = useState<{ code: string } | null>(null);
  const form = useFormSubmit();
  const set = (k: keyof typeof EMPTY) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setV((old) => ({ ...old, [k]: value }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const values = {
      description: v.description,
      location: opt(v.location),
      ...(details ? { name: opt(v.name), phone: opt(v.phone), email: opt(v.email), callbackConsent: v.callbackConsent } : {}),
      language: isLanguage(i18n.language) ? i18n.language : 'az',
      website: v.website,
    };
    void publicSchemas().then(
      ({ PublicReportBody, PublicReportReceipt }) =>
        form.submit(PublicReportBody, values, async (data) => {
          const r = await publicHotline('/reports', data, PublicReportReceipt);
          setV(EMPTY);
          setDetails(false);
          setReceipt({ code: r.code });
        }),
      (e: unknown) => form.setError(e),
    );
  };

  if (receipt) {
    return (
      <PublicReportChrome title={t('hotlinePublic.report.received')}>
        <Stack>
          <ShowOnce label={t('hotlinePublic.report.codeLabel')} value={receipt.code} testId="follow-up-code" />
          <Text size="sm">{t('hotlinePublic.report.codeHelp')}</Text>
          <Anchor component={Link} to="/public/report/follow-up" replace>{t('hotlinePublic.report.followUpLink')}</Anchor>
          <Button variant="default" onClick={() => setReceipt(null)}>{t('hotlinePublic.report.another')}</Button>
        </Stack>
      </PublicReportChrome>
    );
  }

  return (
    <PublicReportChrome title={t('hotlinePublic.report.title')}>
      <form onSubmit={submit} onFocus={prefetchPublicSchemas} noValidate>
        <Stack>
          <Text size="sm">{t('hotlinePublic.report.intro')}</Text>
          <Alert color="red" variant="light">{t('hotlinePublic.report.emergency')}</Alert>
          <Textarea
            label={t('hotlinePublic.report.description')}
            description={t('hotlinePublic.report.descriptionHelp')}
            value={v.description}
            onChange={set('description')}
            name="description"
            error={form.errors.description}
            required
            autosize
            minRows={5}
            maxRows={16}
          />
          <TextInput label={t('hotlinePublic.report.location')} name="location" value={v.location} onChange={set('location')} error={form.errors.location} />
          <Checkbox label={t('hotlinePublic.report.leaveDetails')} checked={details} onChange={(e) => setDetails(e.currentTarget.checked)} />
          {details && (
            <Stack gap="sm">
              <TextInput label={t('hotlinePublic.report.name')} value={v.name} onChange={set('name')} error={form.errors.name} autoComplete="off" />
              <TextInput label={t('hotlinePublic.report.phone')} value={v.phone} onChange={set('phone')} error={form.errors.phone} type="tel" autoComplete="off" />
              <TextInput label={t('hotlinePublic.report.email')} value={v.email} onChange={set('email')} error={form.errors.email} type="email" autoComplete="off" />
              <Checkbox
                label={t('hotlinePublic.report.callbackConsent')}
                checked={v.callbackConsent}
                onChange={(e) => {
                  const checked = e.currentTarget.checked;
                  setV((old) => ({ ...old, callbackConsent: checked }));
                }}
              />
            </Stack>
          )}
          {/*
            The honeypot (`website` in the API): off screen, out of the tab order and hidden from
            screen readers, so only bots fill it. Its name, id and label match nothing that browser
            autofill or a password manager fills (no "website", "url", "name", "email", ...), so a
            genuine report is not silently dropped because the browser filled it.
          */}
          <Box aria-hidden="true" style={{ position: 'absolute', left: '-10000px', width: 1, height: 1, overflow: 'hidden' }}>
            <label>
              {t('hotlinePublic.report.honeypot')}
              <input name="pw_hp_k7q" id="pw_hp_k7q" data-honeypot="" type="text" tabIndex={-1} autoComplete="off" data-1p-ignore="" data-lpignore="true" data-form-type="other" value={v.website} onChange={set('website')} />
            </label>
          </Box>
          <ErrorAlert error={form.error} />
          <Button type="submit" loading={form.busy}>{t('hotlinePublic.report.submit')}</Button>
          <Anchor component={Link} to="/public/report/follow-up" replace size="sm">{t('hotlinePublic.report.followUpInstead')}</Anchor>
        </Stack>
      </form>
    </PublicReportChrome>
  );
}
