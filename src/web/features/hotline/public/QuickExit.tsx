import { useEffect, type ReactNode } from 'react';
import { Anchor, Box, Button, Group, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LANGUAGES } from '../../../../shared/schemas/common.ts';
import { applyLanguage, isLanguage } from '../../../i18n/index.ts';
import { Logo } from '../../../components/Logo.tsx';

/** Where the quick exit goes: an ordinary weather page that says nothing about the hotline. */
export const NEUTRAL_SITE = 'https://weather.com/';

/**
 * Leaves at once for the neutral site; `replace`, so Back does not come back to the report. This
 * replaces only the current history entry, so every move between the public report pages replaces
 * its entry too (`<Link replace>`): the report pages only ever hold one entry in the history.
 */
export function leaveNow(): void {
  window.location.replace(NEUTRAL_SITE);
}

/** The quick-exit button, also on the Escape key, for someone who may be watched. */
export function QuickExit() {
  const { t } = useTranslation();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') leaveNow();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <Button color="red" onClick={leaveNow} title={t('hotlinePublic.quickExit.hint')}>
      {t('hotlinePublic.quickExit.button')}
    </Button>
  );
}

/** The frame of the public report pages: the quick exit always in reach, the language switch, one card. */
export function PublicReportChrome({ title, children }: { title: string; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <Box mih="100vh" bg="gray.1" py="lg" px="md">
      <Stack maw={640} mx="auto" gap="md">
        <Group justify="space-between" wrap="nowrap">
          <Anchor component={Link} to="/public/report" replace underline="never"><Logo /></Anchor>
          <Group gap="sm" wrap="nowrap">
            <SegmentedControl
              size="xs"
              aria-label={t('account.language')}
              value={i18n.language}
              onChange={(v) => { if (isLanguage(v)) void applyLanguage(v); }}
              data={LANGUAGES.map((l) => ({ value: l, label: l.toUpperCase() }))}
            />
            <QuickExit />
          </Group>
        </Group>
        <Text size="xs" c="dimmed">{t('hotlinePublic.quickExit.hint')} {t('hotlinePublic.quickExit.privacy')}</Text>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <Title order={1} size="h3" mb="md">{title}</Title>
          {children}
        </Paper>
      </Stack>
    </Box>
  );
}
