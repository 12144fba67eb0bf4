import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Alert, Button, Center, Stack } from '@mantine/core';
import i18n from '../i18n/index.ts';

/** Last resort: a crashed screen says so and offers a reload instead of going blank. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <Center h="100vh" p="md">
        <Stack maw={480}>
          <Alert color="red" role="alert" title={i18n.t('error.title')}>{i18n.t('error.unexpected')}</Alert>
          <Button onClick={() => window.location.reload()}>{i18n.t('common.reload')}</Button>
        </Stack>
      </Center>
    );
  }
}
