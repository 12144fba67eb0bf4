import { useEffect, type ReactNode } from 'react';
import { Anchor, Box, Button, Group, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LANGUAGES } from '../../../../shared/languages.ts';
import { applyLanguage, isLanguage } from '../../../i18n/index.ts';
import { Logo } from '../../../components/Logo.tsx';
import { useDocumentTitle } from '../../../components/documentTitle.ts';
import { MAIN_ID, SkipLink } from '../../../components/SkipLink.tsx';

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
    <Button color="red" onClick={leaveNow} title={t('hotlinePublic.quickExit.hint')} data-testid="quick-exit" style={{ flexShrink: 0 }}>
      {t('hotlinePublic.quickExit.button')}
    </Button>
  );
}

/** The frame of the public report pages: the quick exit always in reach, the language switch, one card. */
export function PublicReportChrome({ title, children }: { title: string; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  useDocumentTitle(title);
  return (
    <Box mih="100vh" bg="gray.1" py="lg" px={{ base: 'sm', xs: 'md' }}>
      <SkipLink />
      <Stack maw={640} mx="auto" gap="md">
        {/* The quick exit shares its row with the logo only, so that it stays whole on a 360 px phone. */}
        <Group justify="space-between" wrap="nowrap" gap="sm">
          <Anchor component={Link} to="/public/report" replace underline="never"><Logo /></Anchor>
          <QuickExit />
        </Group>
        <Group justify="space-between" align="center" wrap="wrap" gap="xs">
          <Text size="xs" c="dimmed" style={{ flex: '1 1 16rem' }}>{t('hotlinePublic.quickExit.hint')} {t('hotlinePublic.quickExit.privacy')}</Text>
          <SegmentedControl
            size="xs"
            data-print="hide"
            aria-label={t('account.language')}
            value={i18n.language}
            onChange={(v) => { if (isLanguage(v)) void applyLanguage(v); }}
            data={LANGUAGES.map((l) => ({ value: l, label: l.toUpperCase() }))}
          />
        </Group>
        <Paper component="main" id={MAIN_ID} tabIndex={-1} withBorder shadow="sm" p={{ base: 'md', xs: 'xl' }} radius="md">
          <Title order={1} size="h3" mb="md">{title}</Title>
          {children}
        </Paper>
      </Stack>
    </Box>
  );
}
