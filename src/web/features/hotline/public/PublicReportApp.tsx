import { useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { PublicReportPage } from './PublicReportPage.tsx';
import { FollowUpPage } from './FollowUpPage.tsx';

/**
 * The public report pages on their own, for a page that arrived prerendered: no lazy loading (no
 * spinner replacing the form already on screen) and nothing of the staff app. Until it has taken over,
 * the prerendered form shows but does nothing (its language switch and buttons need the app).
 */
export function PublicReportApp() {
  // The page is the app's now: the mark of the prerendered copy goes (tests wait for this).
  useEffect(() => document.getElementById('root')?.removeAttribute('data-prerendered'), []);
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/public/report" element={<PublicReportPage />} />
        <Route path="/public/report/follow-up" element={<FollowUpPage />} />
        <Route path="*" element={<Navigate to="/public/report" replace />} />
      </Routes>
    </BrowserRouter>
  );
}
