import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { PublicReportPage } from './PublicReportPage.tsx';
import { FollowUpPage } from './FollowUpPage.tsx';

/**
 * The public report pages on their own, for a page that arrived prerendered: no lazy loading (no
 * spinner replacing the form already on screen) and nothing of the staff app.
 */
export function PublicReportApp() {
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
