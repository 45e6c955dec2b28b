// Reading lists on every backend (the contract is in store-contract/saved.ts).
import { describe } from 'node:test';
import { testBackends } from '../helpers/backends.ts';
import { savedContract } from './store-contract/saved.ts';

for (const backend of await testBackends()) {
  describe(`store contract, reading lists: ${backend.name}`, { skip: backend.skip }, () => savedContract(backend));
}
