/**
 * The console routes of the issuance log (search, timeline, reveal, CSV export), registered from the console route table through
 * http/console-route.ts (session, permission and CSRF are checked before a handler runs). A
 * service-wide `read` route filters to the staff member's own municipality for municipal roles.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ISSUANCE_LOG_CSV_TYPE } from '@madoguchi/shared';
import type { CenterContext } from '../http/context.js';
import { consoleRoute } from '../http/console-route.js';
import { issuanceLogCsv } from './issuance-log-csv.js';
import { exportFileName, recordExport } from './issuance-log-export.js';
import { decodeCursor, encodeCursor, resolveFilter, scopeFilter, searchPage } from './issuance-log-query.js';
import { revealPersonalData } from './issuance-log-reveal.js';
import { issuanceTimeline } from './issuance-log-timeline.js';

export function registerIssuanceLogRoutes(context: CenterContext, app: FastifyInstance): void {
  consoleRoute(context, app, 'searchIssuances', async ({ staff, query }) => {
    const { cursor, limit, ...filter } = query;
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const page = await searchPage(context.database.db, resolveFilter(scopeFilter(staff, filter)), { limit, ...(after ? { after } : {}) });
    return { rows: page.rows, nextCursor: page.next ? encodeCursor(page.next) : null };
  });

  consoleRoute(context, app, 'exportIssuances', async ({ staff, query, reply }) => {
    const filter = scopeFilter(staff, query);
    const now = context.now();
    const { resolved, rowCount } = await recordExport(context.database, filter, { staffId: staff.staffId, now });
    void reply
      .header('content-type', ISSUANCE_LOG_CSV_TYPE)
      .header('content-disposition', `attachment; filename="${exportFileName(filter, now)}"`)
      .header('x-row-count', String(rowCount));
    // A stream is sent as it is read, a page of rows at a time; the route's response schema is not applied to it.
    return reply.send(Readable.from(issuanceLogCsv(context.database.db, resolved))) as never;
  });

  consoleRoute(context, app, 'issuanceTimeline', async ({ staff, params }) =>
    issuanceTimeline(context.database.db, staff, params.issuanceId),
  );

  consoleRoute(context, app, 'revealPersonalData', async ({ staff, params, body, request }) => {
    const revealed = await revealPersonalData(
      context.database,
      staff,
      { issuanceId: params.issuanceId, reason: body.reason },
      context.now(),
    );
    // Ids only: the name, the address and the reason stay out of the log (the history has the reason).
    request.log.info({ issuanceId: params.issuanceId, staffId: staff.staffId }, 'personal data revealed');
    return revealed;
  });
}
