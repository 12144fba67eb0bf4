import { useMemo, type ReactNode } from 'react';
import { createTheme, MantineProvider, Modal, PasswordInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Mantine's theme, with the labels of its built-in buttons in the current language. */
export function ThemeProvider({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const theme = useMemo(
    () =>
      createTheme({
        primaryColor: 'pathway',
        colors: {
          // A sober institutional blue.
          pathway: ['#e8f1fb', '#d0e0f3', '#a2bfe6', '#709cd9', '#487fce', '#2f6cc8', '#2062c6', '#1252af', '#05489d', '#003d8b'],
        },
        primaryShade: 7,
        fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif',
        defaultRadius: 'sm',
        components: {
          Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } }),
          PasswordInput: PasswordInput.extend({ defaultProps: { visibilityToggleButtonProps: { 'aria-label': t('common.showPassword') } } }),
        },
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- t changes with the language
    [i18n.language],
  );
  return <MantineProvider theme={theme}>{children}</MantineProvider>;
}
