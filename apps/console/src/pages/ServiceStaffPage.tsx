/** Every staff account (operators and auditors read it); operators add operator and auditor accounts. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isMunicipalRole, mayDo, staffRoles } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { useSession } from '../api/session.js';
import { Page, Section } from '../components/Page.js';
import { QueryState } from '../components/messages.js';
import { CreateStaffForm, StaffTable } from './staff-panels.js';

export function ServiceStaffPage() {
  const { t } = useTranslation();
  const me = useSession();
  const client = useQueryClient();
  const staff = useQuery({ queryKey: ['serviceStaff'], queryFn: () => callConsole('serviceStaff') });
  const roles = staffRoles.filter((role) => !isMunicipalRole(role));
  return (
    <Page name="service-staff" title={t('staff.serviceTitle')}>
      <Section title={t('staff.list')}>
        <QueryState query={staff}>{(data) => <StaffTable staff={data.staff} roles={roles} actions={null} />}</QueryState>
      </Section>
      {mayDo(me, 'operate', null) ? (
        <CreateStaffForm
          roles={roles}
          create={async (body) => {
            const created = await callConsole('createServiceStaff', { body });
            await client.invalidateQueries({ queryKey: ['serviceStaff'] });
            return created;
          }}
        />
      ) : null}
    </Page>
  );
}
