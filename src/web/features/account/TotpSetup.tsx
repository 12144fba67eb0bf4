import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button, Code, Group, Image, Loader, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useTranslation } from 'react-i18next';
import { TotpCodeBody, TotpSetupResponse } from '../../../shared/schemas/auth.ts';
import { api } from '../../api/client.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';

/** Starts TOTP setup, shows the QR code and the secret, and confirms with a first code. */
export function TotpSetup({ onDone }: { onDone: () => void | Promise<void> }) {
  const { t } = useTranslation();
  const start = useMutation({ mutationFn: () => api('POST', '/me/totp/setup', undefined, TotpSetupResponse) });
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const { errors, error, busy, submit } = useFormSubmit();
  const uri = start.data?.uri;

  useEffect(() => {
    if (!uri) return;
    let live = true;
    QRCode.toDataURL(uri, { width: 220, margin: 1, errorCorrectionLevel: 'M' }).then((url) => { if (live) setQr(url); }, () => undefined);
    return () => { live = false; };
  }, [uri]);

  // Each call makes a new secret: start once, even when React runs effects twice in development.
  const started = useRef(false);
  const { mutate } = start;
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    mutate();
  }, [mutate]);

  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    await submit(TotpCodeBody, { code }, async (data) => {
      await api('POST', '/me/totp/enable', data);
      await onDone();
    });
  };

  if (start.isError) return <ErrorAlert error={start.error} />;
  if (!start.data) return <Loader aria-label={t('common.loading')} />;

  return (
    <Stack>
      <Text size="sm">{t('totp.step1')}</Text>
      <Group align="flex-start" wrap="wrap" gap="lg">
        {qr ? <Image src={qr} w={220} h={220} alt={t('totp.qrAlt')} radius="sm" /> : <Loader />}
        <Stack gap={4} maw={320}>
          <Text size="sm" fw={500}>{t('totp.manual')}</Text>
          <Code data-testid="totp-secret" style={{ wordBreak: 'break-all', fontSize: 14 }} block>{start.data.secret}</Code>
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
