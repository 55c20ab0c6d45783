/**
 * The frames around pages: the public one (sign-in, enrolment) and the signed-in one, which sends
 * anyone without a session to sign-in, and anyone whose session ends (401) there too, with a note
 * when it expired.
 */
import { useEffect } from 'react';
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { Button } from 'react-aria-components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isMunicipalRole, mayDo, type Me } from '@madoguchi/shared';
import { callConsole, listenForSessionLoss, setCsrfToken } from '../api/console.js';
import { SessionContext, meKey, useMe } from '../api/session.js';
import { Loading, ErrorMessage } from '../components/messages.js';
import { LanguageSwitch } from './LanguageSwitch.js';

function SkipLink() {
  const { t } = useTranslation();
  return (
    <a className="skip-link" href="#main">
      {t('app.skipToContent')}
    </a>
  );
}

export function PublicLayout() {
  const { t } = useTranslation();
  return (
    <>
      <SkipLink />
      <header className="app-header">
        <span className="app-name">{t('app.name')}</span>
        <LanguageSwitch />
      </header>
      <Outlet />
    </>
  );
}

function useSessionLossRedirect() {
  const navigate = useNavigate();
  const client = useQueryClient();
  useEffect(
    () =>
      listenForSessionLoss((error) => {
        setCsrfToken(null);
        client.clear();
        client.setQueryData(meKey, null);
        void navigate('/sign-in', { replace: true, state: { ended: error.code === 'SESSION_EXPIRED' } });
      }),
    [navigate, client],
  );
}

function SignOutButton() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  return (
    <Button
      className="button secondary"
      onPress={async () => {
        await callConsole('signOut', { body: {} }).catch(() => undefined);
        setCsrfToken(null);
        client.clear();
        client.setQueryData(meKey, null);
        void navigate('/sign-in', { replace: true });
      }}
    >
      {t('app.signOut')}
    </Button>
  );
}

function AppHeader({ me }: { me: Me }) {
  const { t } = useTranslation();
  const municipal = isMunicipalRole(me.role);
  return (
    <header className="app-header">
      <Link to="/" className="app-name">
        {t('app.name')}
      </Link>
      <nav aria-label={t('app.mainNav')} className="main-nav">
        <NavLink to="/" end>
          {t('app.home')}
        </NavLink>
        {municipal ? null : <NavLink to="/staff">{t('app.serviceStaff')}</NavLink>}
        <NavLink to="/issuances">{t('issuanceLog.title')}</NavLink>
        <NavLink to="/statistics">{t('statistics.title')}</NavLink>
        {mayDo(me, 'oversee', null) ? (
          <>
            <NavLink to="/incidents">{t('anomalies.title')}</NavLink>
            <NavLink to="/audit-chain">{t('app.auditChain')}</NavLink>
            <NavLink to="/fleet">{t('fleet.title')}</NavLink>
            <NavLink to="/billing">{t('billing.title')}</NavLink>
          </>
        ) : null}
        {municipal && mayDo(me, 'dispose', me.municipalityCode) ? <NavLink to="/incidents">{t('anomalies.disposalNav')}</NavLink> : null}
        <NavLink to="/account">{t('app.account')}</NavLink>
      </nav>
      <span className="who">{t('app.signedInAs', { loginId: me.loginId, role: t(`roles.${me.role}`) })}</span>
      <LanguageSwitch />
      <SignOutButton />
    </header>
  );
}

export function SignedInLayout() {
  const me = useMe();
  const location = useLocation();
  useSessionLossRedirect();
  if (me.isPending) return <Loading />;
  if (me.error) return <ErrorMessage error={me.error} />;
  if (!me.data) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  return (
    <SessionContext.Provider value={me.data}>
      <SkipLink />
      <AppHeader me={me.data} />
      <Outlet />
    </SessionContext.Provider>
  );
}

export const overviewKey = (code: string) => ['overview', code] as const;

export function useOverview(code: string) {
  return useQuery({ queryKey: overviewKey(code), queryFn: () => callConsole('overview', { params: { municipalityCode: code } }) });
}

/** The municipality's pages, with their menu; the pages' routes carry its code. */
export function MunicipalityLayout() {
  const { t } = useTranslation();
  const code = useParams().municipalityCode ?? '';
  const overview = useOverview(code);
  const name = overview.data?.municipality.name ?? code;
  const pages: [string, string][] = [
    ['', 'nav.overview'],
    ['offerings', 'nav.offerings'],
    ['fees', 'nav.fees'],
    ['hours', 'nav.hours'],
    ['head', 'nav.head'],
    ['imports', 'nav.imports'],
    ['domicile-registrations', 'nav.domicile'],
    ['previews', 'nav.previews'],
    ['history', 'nav.history'],
    ['staff', 'nav.staff'],
    ['billing', 'billing.title'],
  ];
  return (
    <div className="municipality">
      <nav aria-label={t('app.municipalityNav', { name })} className="side-nav">
        <p className="side-nav-title">{name}</p>
        <ul>
          {pages.map(([path, key]) => (
            <li key={key}>
              <NavLink to={path ? `/municipalities/${code}/${path}` : `/municipalities/${code}`} end>
                {t(key)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
