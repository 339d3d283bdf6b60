export const PAGE_HTML = '<!doctype html><meta charset="utf-8"><title>loading</title><script type="module" src="/app.js"></script>';
