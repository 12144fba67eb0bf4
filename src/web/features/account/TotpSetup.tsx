import { useEffect, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import { Button, Code, Group, Image, Loader, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import QRCode from 'qrcode';
import { useTranslation } from 'react-i18next';
import { TotpCodeBody, TotpSetupBody, TotpSetupResponse } from '../../../shared/schemas/auth.ts';
import { api } from '../../api/client.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';

/**
 * Starts TOTP setup with the current password (a session alone may not enrol a factor), shows the
 * QR code and the secret, and confirms with a first code.
 */
export function TotpSetup({ onDone }: { onDone: () => void | Promise<void> }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [setup, setSetup] = useState<z.infer<typeof TotpSetupResponse> | null>(null);
  const started = useFormSubmit();
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const { errors, error, busy, submit } = useFormSubmit();
  const uri = setup?.uri;

  useEffect(() => {
    if (!uri) return;
    let live = true;
    QRCode.toDataURL(uri, { width: 220, margin: 1, errorCorrectionLevel: 'M' }).then((url) => { if (live) setQr(url); }, () => undefined);
    return () => { live = false; };
  }, [uri]);

  const start = async (e: FormEvent) => {
    e.preventDefault();
    await started.submit(TotpSetupBody, { password }, async (data) => {
      setSetup(await api('POST', '/me/totp/setup', data, TotpSetupResponse));
      setPassword('');
    });
  };

  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    await submit(TotpCodeBody, { code }, async (data) => {
      await api('POST', '/me/totp/enable', data);
      await onDone();
    });
  };

  if (!setup) {
    return (
      <form onSubmit={(e) => void start(e)} noValidate>
        <Stack maw={480}>
          <ErrorAlert error={started.error} />
          <PasswordInput
            label={t('field.password')}
            description={t('totp.passwordHelp')}
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={started.errors.password}
            required
          />
          <Group><Button type="submit" loading={started.busy}>{t('totp.continue')}</Button></Group>
        </Stack>
      </form>
    );
  }

  return (
    <Stack>
      <Text size="sm">{t('totp.step1')}</Text>
      <Group align="flex-start" wrap="wrap" gap="lg">
        {qr ? <Image src={qr} w={220} h={220} alt={t('totp.qrAlt')} radius="sm" /> : <Loader role="status" aria-label={t('common.loading')} />}
        <Stack gap={4} maw={320}>
          <Text size="sm" fw={500}>{t('totp.manual')}</Text>
          <Code data-testid="totp-secret" style={{ wordBreak: 'break-all', fontSize: 14 }} block>{setup.secret}</Code>
        </Stack>
      </Group>
      <form onSubmit={(e) => void confirm(e)} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <TextInput
            label={t('totp.step2')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onChange={(e) => setCode(e.currentTarget.value.replace(/\D/g, ''))}
            error={errors.code}
            required
            maw={360}
          />
          <Group>
            <Button type="submit" loading={busy}>{t('totp.enable')}</Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
