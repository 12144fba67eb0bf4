import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A secret (temporary password, API token) that the server will never show again. */
export function ShowOnce({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Alert color="yellow" variant="light" title={label}>
      <Stack gap="xs">
        <Group gap="xs" wrap="nowrap" align="center">
          <Code data-testid={testId} style={{ fontSize: 15, wordBreak: 'break-all', flex: 1 }} block>
            {value}
          </Code>
          <CopyButton value={value}>
            {({ copied, copy }) => (
              <Button variant="light" size="sm" onClick={copy} color={copied ? 'teal' : undefined}>
                {copied ? t('common.copied') : t('common.copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Text size="sm">{t('common.shownOnce')}</Text>
      </Stack>
    </Alert>
  );
}
