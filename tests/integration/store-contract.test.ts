/**
 * One contract for the storage layer, run against every backend (memory, SQLite, Redis, Postgres): whatever the
 * backend, the repositories must behave the same. Each capability's part of the contract is its own module under
 * store-contract/ taking a backend (keyv's core test suite is the model); this file combines them per backend.
 * A new repository adds its module here.
 */
import { describe } from 'node:test';
import { testBackends, type TestBackend } from '../helpers/backends.ts';
import { channelsContract } from './store-contract/channels.ts';
import { deliveriesContract } from './store-contract/deliveries.ts';
import { digestsContract } from './store-contract/digests.ts';
import { filesContract } from './store-contract/files.ts';
import { metaContract } from './store-contract/meta.ts';
import { outboxContract } from './store-contract/outbox.ts';
import { papersContract } from './store-contract/papers.ts';
import { savedContract } from './store-contract/saved.ts';
import { sourcesContract } from './store-contract/sources.ts';
import { subscriptionsContract } from './store-contract/subscriptions.ts';
import { transferContract } from './store-contract/transfer.ts';
import { weeklyContract } from './store-contract/weekly.ts';

const CONTRACTS: Record<string, (backend: TestBackend) => void> = {
  papers: papersContract,
  files: filesContract,
  digests: digestsContract,
  channels: channelsContract,
  subscriptions: subscriptionsContract,
  outbox: outboxContract,
  deliveries: deliveriesContract,
  meta: metaContract,
  'reading lists': savedContract,
  'weekly posts': weeklyContract,
  'digest sources\' fetch state': sourcesContract,
  'export and import': transferContract,
};

for (const backend of await testBackends()) {
  describe(`store contract: ${backend.name}`, { skip: backend.skip }, () => {
    for (const [capability, contract] of Object.entries(CONTRACTS)) describe(capability, () => contract(backend));
  });
}
