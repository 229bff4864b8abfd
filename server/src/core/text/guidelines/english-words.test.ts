import { describe, expect, it } from 'vitest';
import { chooseSurface, foldEnglish, foldEnglishPhrase } from './english-words';

describe('English folding and surfaces', () => {
  it('folds plurals and inflections for counting', () => {
    const table: [string, string][] = [
      ['helmets', 'helmet'], ['Helmet', 'helmet'], ['checking', 'check'], ['checked', 'check'], ['ladders', 'ladder'], ['batteries', 'battery'],
      ['boxes', 'box'], ['stopping', 'stop'], ['falling', 'fall'], ['gas', 'gas'], ['glasses', 'glass'], ['goggles', 'goggle'], ['process', 'process'],
    ];
    for (const [word, key] of table) expect(foldEnglish(word), word).toBe(key);
    expect(foldEnglishPhrase('Fire  Extinguishers')).toBe('fire extinguisher');
    expect(foldEnglishPhrase('high-visibility vests')).toBe('high visibility vest');
  });

  it('cites the spelling that covers most occurrences', () => {
    expect(chooseSurface(new Map([['helmet', 2], ['helmets', 3]]))).toBe('helmet');
    expect(chooseSurface(new Map([['helmets', 3]]))).toBe('helmets');
    expect(chooseSurface(new Map([['glasses', 2]]))).toBe('glasses');
    expect(chooseSurface(new Map([['Forklift', 1], ['forklift', 2]]))).toBe('forklift');
    expect(chooseSurface(new Map([['checking', 1], ['check', 1], ['checked', 1]]))).toBe('check');
    expect(chooseSurface(new Map([['Helmets', 1]]))).toBe('Helmets');
  });
});
