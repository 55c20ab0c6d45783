/**
 * A plain, accessible table (caption, column headers) from TanStack Table's headless model, used
 * for every list in the console: history, import reports, registrations, staff, tokens.
 */
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';

export interface DataTableProps<T> {
  caption: string;
  data: T[];
  // TanStack's column values are of any type per column.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columns: ColumnDef<T, any>[];
  rowKey?: (row: T, index: number) => string;
  testId?: string;
}

export function DataTable<T>({ caption, data, columns, rowKey, testId }: DataTableProps<T>) {
  const { t } = useTranslation();
  const table = useReactTable({
    data,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: rowKey ? (row, index) => rowKey(row, index) : undefined,
  });
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col">
                  {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
              ))}
            </tr>
          ))}
          {data.length === 0 ? (
            <tr>
              <td colSpan={columns.length}>{t('common.noRows')}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
