import { describe, expect, it } from 'vitest';
import { describeEventBusContract, jobEvent } from './event-bus-contract';
import { MemoryEventBus } from './memory-event-bus';

describeEventBusContract('memory', (onListenerError) => {
  const bus = new MemoryEventBus(onListenerError);
  return { sub: bus, pub: bus };
});

describe('memory event bus', () => {
  it('takes many listeners on one channel without warnings', async () => {
    const bus = new MemoryEventBus();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    let calls = 0;
    for (let i = 0; i < 100; i++) await bus.subscribe('job:1', () => void calls++);
    await bus.publish('job:1', jobEvent('running'));
    await new Promise((r) => setTimeout(r, 10));
    process.off('warning', onWarning);
    expect(calls).toBe(100);
    expect(warnings).toEqual([]);
    await bus.close();
  });

  it('refuses to publish once closed', async () => {
    const bus = new MemoryEventBus();
    await bus.close();
    await expect(bus.publish('job:1', jobEvent('running'))).rejects.toThrow('closed');
  });
});
