import { Alert } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../api/client.ts';
import { errorText } from '../../../components/errors.tsx';

/** The console's own refusals (the contact and state rules' 409s) in the user's language; any other error as everywhere. */
export function consoleErrorText(t: TFunction, e: unknown): string {
  if (isApiError(e)) {
    const text = t(`hotlineConsole.error.${e.code}`, { defaultValue: '' });
    if (text) return text;
  }
  return errorText(t, e);
}

export function ConsoleErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert color="red" variant="light" role="alert" title={t('error.title')}>
      {consoleErrorText(t, error)}
    </Alert>
  );
}
