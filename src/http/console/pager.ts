// Page numbers in console lists: ?page=N, and the links to the pages around it.

export function pageQuery(value: unknown): number {
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

/** The pager's view: the page, the last page, and links that keep the other query parameters. */
export function pager(path: string, query: Record<string, string>, page: number, total: number, pageSize: number) {
  const last = Math.max(1, Math.ceil(total / pageSize));
  const link = (to: number) => `${path}?${new URLSearchParams({ ...query, page: String(to) })}`;
  return { page, last, previous: page > 1 ? link(page - 1) : undefined, next: page < last ? link(page + 1) : undefined };
}
