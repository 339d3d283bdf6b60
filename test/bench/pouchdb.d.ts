// PouchDB 9 packages ship no types; the bench only uses them through a few calls.
declare module 'pouchdb-browser';
declare module 'pouchdb-core';
declare module 'pouchdb-adapter-memory';
declare module 'pouchdb-adapter-http';
declare module 'pouchdb-replication';
declare module 'pouchdb-mapreduce';
declare module 'express-pouchdb';
