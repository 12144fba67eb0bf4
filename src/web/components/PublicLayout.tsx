import type { ReactNode } from 'react';
import { Box, Center, Group, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../../shared/languages.ts';
import { chooseLanguage, isLanguage, LANGUAGE_NAMES } from '../i18n/index.ts';
import { Logo } from './Logo.tsx';
import { useDocumentTitle } from './documentTitle.ts';
import { MAIN_ID, SkipLink } from './SkipLink.tsx';

/** The frame of the pages seen before signing in: product name, language, one card. */
export function PublicLayout({ title, children, languageSwitch = true }: { title: string; children: ReactNode; languageSwitch?: boolean }) {
  const { t, i18n } = useTranslation();
  useDocumentTitle(title);
  return (
    <Box mih="100vh" bg="gray.1" py="xl" px={{ base: 'sm', xs: 'md' }}>
      <SkipLink />
      <Center>
        <Stack w="100%" maw={440} gap="lg">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Logo />
            {languageSwitch && (
              <SegmentedControl
                size="xs"
                data-print="hide"
                aria-label={t('account.language')}
                value={i18n.language}
                onChange={(v) => { if (isLanguage(v)) void chooseLanguage(v); }}
                data={LANGUAGES.map((l) => ({ value: l, label: <span lang={l}>{LANGUAGE_NAMES[l]}</span> }))}
              />
            )}
          </Group>
          <Paper component="main" id={MAIN_ID} tabIndex={-1} withBorder shadow="sm" p={{ base: 'md', xs: 'xl' }} radius="md">
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
