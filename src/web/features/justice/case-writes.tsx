import { useState } from 'react';
import { Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { isApiError } from '../../api/client.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { JUSTICE_KEY, patch, post } from './api.ts';

/** A write to a criminal case's API (recording or correcting): refreshes the case, keeps the server's refusal (field and reason) to show. */
export function useCaseWrite(caseId: string) {
  const qc = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const send = async (method: 'PATCH' | 'POST', path: string, body: unknown) => {
    setError(null);
    setBusy(true);
    try {
      await (method === 'PATCH' ? patch : post)(`/justice/cases/${caseId}${path}`, body);
      await qc.invalidateQueries({ queryKey: [...JUSTICE_KEY] });
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { send, error, busy };
}

/** The refusal with the server's per-field reasons (which field, and why: "occurredOn: before the indictment"). */
export function Refusal({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <Stack gap={2} role="group">
      <ErrorAlert error={error} />
      {isApiError(error) && Object.entries(error.fields).map(([field, why]) => <Text key={field} size="sm" c="red">{`${field}: ${why}`}</Text>)}
    </Stack>
  );
}
