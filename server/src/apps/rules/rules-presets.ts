import type { RuleOperation } from './rule-operations';

export interface Preset {
  id: string;
  name: string;
  name_en: string;
  description: string;
  operations: RuleOperation[];
}

/** Seed 003's domain presets: each a rule template a user may run as is or save and change. */
export const PRESETS: readonly Preset[] = [
  {
    id: 'product-white', name: '상품 사진 (흰 배경)', name_en: 'Product on white',
    description: '배경을 지우고 흰 배경에 정사각형으로 맞춥니다. Background removed, centred square on white.',
    operations: [
      { op: 'auto_orient' }, { op: 'remove_background' }, { op: 'background_fill', color: '#ffffff' },
      { op: 'crop_ratio', ratio: '1:1', gravity: 'attention' }, { op: 'resize', width: 2000, height: 2000, fit: 'contain', enlarge: true },
      { op: 'strip_metadata' }, { op: 'output', format: 'jpeg', quality: 90 },
    ],
  },
  {
    id: 'real-estate', name: '부동산 사진', name_en: 'Real estate',
    description: '밝고 선명하게, 4:3 가로로 맞춥니다. Brighter, crisper, 4:3 landscape.',
    operations: [
      { op: 'auto_orient' }, { op: 'crop_ratio', ratio: '4:3', gravity: 'center' }, { op: 'brightness', value: 10 },
      { op: 'contrast', value: 8 }, { op: 'sharpen', sigma: 1 }, { op: 'resize', width: 2400, fit: 'inside', enlarge: false },
      { op: 'strip_metadata' }, { op: 'output', format: 'jpeg', quality: 85 },
    ],
  },
  {
    id: 'food', name: '음식 사진', name_en: 'Food',
    description: '채도와 대비를 살리고 정사각형으로 맞춥니다. Richer color and contrast, square.',
    operations: [
      { op: 'auto_orient' }, { op: 'crop_ratio', ratio: '1:1', gravity: 'attention' }, { op: 'saturation', value: 15 },
      { op: 'contrast', value: 10 }, { op: 'sharpen', sigma: 0.8 }, { op: 'resize', width: 1600, fit: 'inside', enlarge: false },
      { op: 'output', format: 'webp', quality: 85 },
    ],
  },
  {
    id: 'profile-portrait', name: '프로필 사진', name_en: 'Profile portrait',
    description: '얼굴 중심 4:5로 자르고 2배 확대합니다. A 4:5 crop on the subject, upscaled 2x.',
    operations: [
      { op: 'auto_orient' }, { op: 'crop_ratio', ratio: '4:5', gravity: 'attention' }, { op: 'upscale', scale: 2 },
      { op: 'resize', width: 1200, fit: 'inside', enlarge: false }, { op: 'strip_metadata' }, { op: 'output', format: 'jpeg', quality: 90 },
    ],
  },
  {
    id: 'marketplace-thumbnail', name: '마켓 썸네일', name_en: 'Marketplace thumbnail',
    description: '흰 배경 정사각형 1000px에 워터마크를 넣습니다. 1000 px square on white with a watermark.',
    operations: [
      { op: 'auto_orient' }, { op: 'background_fill', color: '#ffffff' }, { op: 'crop_ratio', ratio: '1:1', gravity: 'attention' },
      { op: 'resize', width: 1000, height: 1000, fit: 'cover', enlarge: true }, { op: 'watermark_text', text: 'SAMPLE', position: 'bottom-right', opacity: 0.4, size: 36 },
      { op: 'strip_metadata' }, { op: 'output', format: 'jpeg', quality: 82 },
    ],
  },
];
