import type { ReactNode } from 'react';
import { Group, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from './documentTitle.ts';

/** A screen's title, one line on what it is for, and its main action on the right. */
export function Page({ title, description, actions, children }: { title: string; description?: string; actions?: ReactNode; children: ReactNode }) {
  useDocumentTitle(title);
  return (
    <Stack gap="lg" maw={1200} mx="auto">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={1} size="h2">{title}</Title>
          {description && <Text c="dimmed" size="sm">{description}</Text>}
        </div>
        {actions}
      </Group>
      {children}
    </Stack>
  );
}
