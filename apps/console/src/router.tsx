/**
 * The console's pages and their paths under /console. The `data-page` names (Page.tsx) are what
 * the end-to-end tests look for; the paths are what links and bookmarks use.
 */
import { createBrowserRouter } from 'react-router';
import { CONSOLE_PATH } from '@madoguchi/shared';
import { MunicipalityLayout, PublicLayout, SignedInLayout } from './layout/layouts.js';
import { AccountPage } from './pages/AccountPage.js';
import { AuditChainPage } from './pages/AuditChainPage.js';
import { BillingPage } from './pages/BillingPage.js';
import { DomicilePage } from './pages/DomicilePage.js';
import { EnrolPage } from './pages/EnrolPage.js';
import { FeesPage } from './pages/FeesPage.js';
import { FleetPage } from './pages/FleetPage.js';
import { HeadSealPage } from './pages/HeadSealPage.js';
import { HistoryPage } from './pages/HistoryPage.js';
import { HomePage } from './pages/HomePage.js';
import { HoursPage } from './pages/HoursPage.js';
import { ImportsPage } from './pages/ImportsPage.js';
import { IncidentsPage } from './pages/IncidentsPage.js';
import { IssuanceLogPage } from './pages/IssuanceLogPage.js';
import { IssuanceTimelinePage } from './pages/IssuanceTimelinePage.js';
import { MunicipalityBillingPage } from './pages/MunicipalityBillingPage.js';
import { OfferingsPage } from './pages/OfferingsPage.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { PreviewsPage } from './pages/PreviewsPage.js';
import { ServiceStaffPage } from './pages/ServiceStaffPage.js';
import { SignInPage } from './pages/SignInPage.js';
import { StaffPage } from './pages/StaffPage.js';
import { StatisticsPage } from './pages/StatisticsPage.js';

export function createConsoleRouter() {
  return createBrowserRouter(
    [
      {
        element: <PublicLayout />,
        children: [
          { path: 'sign-in', element: <SignInPage /> },
          { path: 'enrol/:token', element: <EnrolPage /> },
        ],
      },
      {
        element: <SignedInLayout />,
        children: [
          { index: true, element: <HomePage /> },
          { path: 'account', element: <AccountPage /> },
          { path: 'staff', element: <ServiceStaffPage /> },
          { path: 'issuances', element: <IssuanceLogPage /> },
          { path: 'issuances/:issuanceId', element: <IssuanceTimelinePage /> },
          { path: 'incidents', element: <IncidentsPage /> },
          { path: 'audit-chain', element: <AuditChainPage /> },
          { path: 'fleet', element: <FleetPage /> },
          { path: 'billing', element: <BillingPage /> },
          { path: 'statistics', element: <StatisticsPage /> },
          {
            path: 'municipalities/:municipalityCode',
            element: <MunicipalityLayout />,
            children: [
              { index: true, element: <OverviewPage /> },
              { path: 'offerings', element: <OfferingsPage /> },
              { path: 'fees', element: <FeesPage /> },
              { path: 'hours', element: <HoursPage /> },
              { path: 'head', element: <HeadSealPage /> },
              { path: 'imports', element: <ImportsPage /> },
              { path: 'domicile-registrations', element: <DomicilePage /> },
              { path: 'previews', element: <PreviewsPage /> },
              { path: 'history', element: <HistoryPage /> },
              { path: 'staff', element: <StaffPage /> },
              { path: 'billing', element: <MunicipalityBillingPage /> },
            ],
          },
          { path: '*', element: <HomePage /> },
        ],
      },
    ],
    { basename: CONSOLE_PATH },
  );
}
