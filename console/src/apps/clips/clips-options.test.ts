import { describe, expect, it } from 'vitest';
import { checkPhotos, MAX_PHOTO_BYTES, price } from './clips-options';

describe('photo checks before upload', () => {
  const jpg = (name: string, size = 1000) => ({ name, type: 'image/jpeg', size });

  it('accepts jpeg, png and webp up to 10 MB, three at most', () => {
    const files = [jpg('a.jpg'), { name: 'b.png', type: 'image/png', size: 5 }, { name: 'c.webp', type: 'image/webp', size: MAX_PHOTO_BYTES }];
    expect(checkPhotos(files, 0)).toEqual({ accepted: [0, 1, 2], problems: [] });
  });

  it('names each file it refuses and why', () => {
    const out = checkPhotos([{ name: 'x.gif', type: 'image/gif', size: 10 }, jpg('big.jpg', MAX_PHOTO_BYTES + 1), jpg('ok.jpg'), jpg('d.jpg'), jpg('e.jpg')], 1);
    expect(out.accepted).toEqual([2, 3]);
    expect(out.problems).toEqual([{ kind: 'badType', name: 'x.gif' }, { kind: 'tooBig', name: 'big.jpg' }, { kind: 'tooMany' }]);
  });

  it('prices story 2, trailer 5, rewrite +1, quick free', () => {
    expect([price('quick', true), price('story', false), price('story', true), price('trailer', true)]).toEqual([0, 2, 3, 6]);
  });
});
