/**
 * The signed-in staff member (`me`), shared by every page. Who may do what is the shared rule
 * (`mayDo`, domain/staff.ts): the console hides what a role may not do, the center refuses it anyway.
 */
import { createContext, useContext } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { mayDo, type Me, type Permission } from '@madoguchi/shared';
import { ConsoleError } from './console-client.js';
import { callConsole, setCsrfToken } from './console.js';

export const meKey = ['me'] as const;

/** null: nobody is signed in (no session, or it ended). */
export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: async (): Promise<Me | null> => {
      try {
        const me = await callConsole('me');
        setCsrfToken(me.csrfToken);
        return me;
      } catch (error) {
        if (error instanceof ConsoleError && error.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw error;
      }
    },
    retry: false,
    staleTime: 60_000,
  });
}

export function useSignedIn() {
  const client = useQueryClient();
  return (me: Me) => {
    setCsrfToken(me.csrfToken);
    client.clear();
    client.setQueryData(meKey, me);
  };
}

export const SessionContext = createContext<Me | null>(null);

export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession outside a signed-in page');
  return me;
}

/** Whether the signed-in staff member may use routes needing `permission` (on this municipality). */
export function useMay(): (permission: Permission, municipalityCode: string | null) => boolean {
  const me = useSession();
  return (permission, municipalityCode) => mayDo(me, permission, municipalityCode);
}
