import type { ReactNode } from 'react';
import { Box, Center, Group, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../../shared/schemas/common.ts';
import { chooseLanguage, isLanguage, LANGUAGE_NAMES } from '../i18n/index.ts';
import { Logo } from './Logo.tsx';

/** The frame of the pages seen before signing in: product name, language, one card. */
export function PublicLayout({ title, children, languageSwitch = true }: { title: string; children: ReactNode; languageSwitch?: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <Box mih="100vh" bg="gray.1" py="xl" px="md">
      <Center>
        <Stack w="100%" maw={440} gap="lg">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Logo />
            {languageSwitch && (
              <SegmentedControl
                size="xs"
                aria-label={t('account.language')}
                value={i18n.language}
                onChange={(v) => { if (isLanguage(v)) void chooseLanguage(v); }}
                data={LANGUAGES.map((l) => ({ value: l, label: <span lang={l}>{LANGUAGE_NAMES[l]}</span> }))}
              />
            )}
          </Group>
          <Paper withBorder shadow="sm" p="xl" radius="md">
            <Title order={1} size="h3" mb="md">
              {title}
            </Title>
            {children}
          </Paper>
          <Text size="xs" c="dimmed" ta="center">
            {t('app.footer')}
          </Text>
        </Stack>
      </Center>
    </Box>
  );
}
