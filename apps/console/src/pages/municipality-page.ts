/** What every municipality page starts from: its code, the overview, and whether it may change it. */
import { useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import type { MunicipalityOverview, Permission } from '@madoguchi/shared';
import { useMay } from '../api/session.js';
import { overviewKey, useOverview } from '../layout/layouts.js';

export function useMunicipalityPage(permission: Permission = 'configure') {
  const code = useParams().municipalityCode ?? '';
  const overview = useOverview(code);
  const may = useMay();
  const client = useQueryClient();
  return {
    code,
    overview,
    mayChange: may(permission, code),
    /** A change answered with the new overview: every page showing it updates at once. */
    updated: (next: MunicipalityOverview) => client.setQueryData(overviewKey(code), next),
    /** A change answered with something else: the overview is read again. */
    invalidate: () => client.invalidateQueries({ queryKey: overviewKey(code) }),
  };
}
