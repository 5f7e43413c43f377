// Runs named by the configuration fields on which they differ (site/lib/figures/run-names.ts).
import { describe, expect, it } from 'vitest';
import { runNames, shortNumber } from '../../../../site/lib/figures/run-names.js';

const config = (fields: Record<string, string>): Array<[string, string]> =>
  Object.entries({
    'data.dataset': 'fashion-mnist',
    'model.width': '16',
    'optimizer.name': 'adam',
    'optimizer.lr': '0.001',
    'regularization.kind': 'l2',
    'regularization.strength': '0.0005',
    'training.batchSize': '32',
    'training.seed': '0',
    'measure.checkpointEvery': '500',
    ...fields,
  });

describe('run names', () => {
  it('name runs by the fields that differ, the seed after a comma', () => {
    const names = runNames([
      { run: 'a'.repeat(16), config: config({ 'optimizer.lr': '0.003' }) },
      { run: 'b'.repeat(16), config: config({ 'optimizer.name': 'sgd', 'training.seed': '1' }) },
    ]);
    expect(names.get('a'.repeat(16))).toBe('adam lr 3e-3, seed 0');
    expect(names.get('b'.repeat(16))).toBe('sgd lr 1e-3, seed 1');
  });

  it('name regularization by kind and strength together, and leave bookkeeping out', () => {
    const names = runNames([
      { run: '1'.repeat(16), config: config({ 'regularization.kind': 'none', 'measure.checkpointEvery': '250' }) },
      { run: '2'.repeat(16), config: config({}) },
    ]);
    expect([...names.values()]).toEqual(['no reg.', 'l2 5e-4']);
  });

  it('tell apart runs that differ only in bookkeeping by their ids, and name a lone run by its id', () => {
    const names = runNames([
      { run: 'c'.repeat(16), config: config({}) },
      { run: 'd'.repeat(16), config: config({ 'measure.checkpointEvery': '100' }) },
    ]);
    expect([...names.values()]).toEqual(['run cccccccc', 'run dddddddd']);
    const same = runNames([
      { run: 'e'.repeat(16), config: config({ 'optimizer.name': 'sgd' }) },
      { run: 'f'.repeat(16), config: config({ 'optimizer.name': 'sgd' }) },
      { run: '0'.repeat(16), config: config({}) },
    ]);
    expect([...same.values()]).toEqual(['sgd (eeeeee)', 'sgd (ffffff)', 'adam']);
  });

  it('write small numbers in the short exponent form', () => {
    expect(shortNumber('0.003')).toBe('3e-3');
    expect(shortNumber('0.0005')).toBe('5e-4');
    expect(shortNumber('0.1')).toBe('0.1');
    expect(shortNumber('32')).toBe('32');
    expect(shortNumber('relu')).toBe('relu');
  });
  it("leave out an optimizer's own settings where the optimizer's name says them, and name all classes so", () => {
    const names = runNames([
      { run: '1'.repeat(16), config: config({ 'optimizer.beta1': '0.9', 'optimizer.epsilon': '1e-8', 'data.classes': '2' }) },
      { run: '2'.repeat(16), config: config({ 'optimizer.name': 'rmsprop', 'optimizer.rho': '0.99', 'optimizer.epsilon': '1e-8', 'data.classes': 'null' }) },
      { run: '3'.repeat(16), config: config({ 'optimizer.name': 'sgd', 'data.classes': 'null' }) },
    ]);
    expect([...names.values()]).toEqual(['2 classes adam', 'all classes rmsprop', 'all classes sgd']);
    // A setting that differs within one optimizer's runs still names them.
    const betas = runNames([
      { run: '4'.repeat(16), config: config({ 'optimizer.beta1': '0.9' }) },
      { run: '5'.repeat(16), config: config({ 'optimizer.beta1': '0.5' }) },
      { run: '6'.repeat(16), config: config({ 'optimizer.name': 'sgd' }) },
    ]);
    expect([...betas.values()]).toEqual(['adam beta1 0.9', 'adam beta1 0.5', 'sgd']);
  });
});
