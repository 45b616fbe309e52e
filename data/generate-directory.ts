/**
 * A fictional but realistic Changning directory: the 10 街镇, their officials, the inspection company,
 * the expert panel, bureau staff and N committees per 街镇. Deterministic, so demo, tests and the
 * benchmark agree. `npx tsx data/generate-directory.ts > data/directory.json` rewrites the demo file.
 */
import type { Directory } from '../domain/directory';

export const CHANGNING_SUBDISTRICTS = [
  '华阳路街道',
  '江苏路街道',
  '新华路街道',
  '天山路街道',
  '周家桥街道',
  '虹桥街道',
  '仙霞新村街道',
  '程家桥街道',
  '北新泾街道',
  '新泾镇',
];
/** Short ASCII slugs for ids. */
const SLUGS = [
  'huayang',
  'jiangsu',
  'xinhua',
  'tianshan',
  'zhoujiaqiao',
  'hongqiao',
  'xianxia',
  'chengjiaqiao',
  'beixinjing',
  'xinjing',
];
const ROADS = [
  '愚园路',
  '延安西路',
  '定西路',
  '天山路',
  '长宁路',
  '虹桥路',
  '仙霞路',
  '程家桥路',
  '北新泾路',
  '新泾路',
  '安顺路',
  '番禺路',
];
const NAMES = ['锦苑', '华庭', '新村', '花园', '公寓', '雅苑', '嘉园', '名邸', '小区', '绿苑'];
const STEMS = ['福', '和', '康', '安', '宁', '兴', '瑞', '丰', '泰', '源', '祥', '景', '荣', '嘉', '逸', '文'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '朱', '马', '胡', '郭'];
const GIVEN = ['建华', '丽萍', '志强', '敏', '国庆', '海燕', '伟', '静', '晓东', '秀英', '明', '婷'];

const person = (i: number) => SURNAMES[i % SURNAMES.length] + GIVEN[(i * 7) % GIVEN.length];

export function generateDirectory(committeesPerSubdistrict = 4, domain = 'example.org'): Directory {
  const people: Directory['people'] = [
    { id: 'bureau-lu', name: '陆贝芙', role: 'bureau', email: `bureau-lu@${domain}`, organisation: '长宁区房管局' },
    { id: 'bureau-org', name: '钱文', role: 'bureau', email: `bureau-org@${domain}`, organisation: '长宁区委组织部' },
    {
      id: 'inspector-1',
      name: '郑立',
      role: 'inspector',
      email: `inspector-1@${domain}`,
      organisation: '申城第三方测评有限公司（虚构）',
    },
    {
      id: 'inspector-2',
      name: '冯洁',
      role: 'inspector',
      email: `inspector-2@${domain}`,
      organisation: '申城第三方测评有限公司（虚构）',
    },
    {
      id: 'panel-chair',
      name: '高明远',
      role: 'panel',
      chair: true,
      email: `panel-chair@${domain}`,
      organisation: '长宁区红色业委会评选团',
    },
    { id: 'panel-2', name: '林晓', role: 'panel', email: `panel-2@${domain}`, organisation: '长宁区红色业委会评选团' },
    { id: 'panel-3', name: '何静', role: 'panel', email: `panel-3@${domain}`, organisation: '长宁区红色业委会评选团' },
  ];
  CHANGNING_SUBDISTRICTS.forEach((sd, i) => {
    people.push({
      id: `official-${SLUGS[i]}`,
      name: person(i * 3 + 1),
      role: 'subdistrict',
      subdistrict: sd,
      email: `official-${SLUGS[i]}@${domain}`,
    });
  });
  const committees: Directory['committees'] = [];
  CHANGNING_SUBDISTRICTS.forEach((sd, i) => {
    for (let k = 1; k <= committeesPerSubdistrict; k++) {
      const n = i * committeesPerSubdistrict + k;
      const quarter = `${STEMS[n % STEMS.length]}${STEMS[(n * 5 + 3) % STEMS.length]}${NAMES[n % NAMES.length]}`;
      const startYear = 2020 + (n % 3);
      committees.push({
        id: `${SLUGS[i]}-${String(k).padStart(3, '0')}`,
        name: `${quarter}业主委员会`,
        quarter,
        address: `${ROADS[(i + k) % ROADS.length]}${100 + ((n * 37) % 900)}弄`,
        subdistrict: sd,
        termStart: `${startYear}-0${1 + (n % 9)}-01`,
        termEnd: `${startYear + 5}-0${1 + (n % 9)}-01`,
        email: `${SLUGS[i]}-${String(k).padStart(3, '0')}@${domain}`,
      });
    }
  });
  return { subdistricts: CHANGNING_SUBDISTRICTS, people, committees };
}

if (require.main === module) {
  process.stdout.write(JSON.stringify(generateDirectory(), null, 2) + '\n');
}
