/**
 * Who takes part in a round: the committees of each 街镇 and its official, the bureau, the inspection company's two
 * inspectors, the expert panel, the two members of the public who object, and the 2022 title holders. Everything
 * here comes from the directory or is fictional demo data; the objectors' details are personal data that tests
 * look for in stored histories (and must not find).
 */
import type { Directory } from '../domain/directory';

export interface Objector {
  name: string;
  contact: string;
  grounds: string;
}

export interface Cast {
  directory: Directory;
  /** The committees of each 街镇, in directory order (the 2022 holders left out: they are re-evaluated instead). */
  bySubdistrict: string[][];
  /** The official of each 街镇, by the 街镇's index in directory.subdistricts. */
  officials: string[];
  officialOf(committeeId: string): string;
  bureau: string;
  inspectors: { actor: string; name: string }[];
  panel: { member: string; chair: string; tieBreakRule: string };
  /** 张三's objection is upheld; 李四's is dismissed. */
  objectors: { upheld: Objector; dismissed: Objector };
  /** The 2022 holders (data/titles-2022.json) when the story includes their re-evaluation; else empty. */
  holders: string[];
  /** What the actors type that is personal: it must never reach a history, a search attribute or a log line. */
  personalData: string[];
}

/** The 2022 holders in data/titles-2022.json: re-evaluated this year rather than applying again. */
export const HOLDERS_2022 = ['huayang-002', 'jiangsu-001', 'xinhua-003', 'tianshan-002', 'hongqiao-001'];

export function castOf(directory: Directory, holders: string[] = []): Cast {
  const official = (sd: string) => directory.people.find((p) => p.role === 'subdistrict' && p.subdistrict === sd)!.id;
  const bySubdistrict = directory.subdistricts.map((sd) =>
    directory.committees.filter((c) => c.subdistrict === sd && !holders.includes(c.id)).map((c) => c.id),
  );
  const objectors = {
    upheld: { name: '张三', contact: '13800000000', grounds: '该小区业委会换届选举程序存在问题，已向街道反映。' },
    dismissed: { name: '李四', contact: 'lisi@example.org', grounds: '认为该业委会公开不及时，但未提供具体材料。' },
  };
  return {
    directory,
    bySubdistrict,
    officials: directory.subdistricts.map(official),
    officialOf: (id) => official(directory.committees.find((c) => c.id === id)!.subdistrict),
    bureau: 'bureau-lu',
    inspectors: [
      { actor: 'inspector-1', name: '郑立' },
      { actor: 'inspector-2', name: '冯洁' },
    ],
    panel: { member: 'panel-2', chair: 'panel-chair', tieBreakRule: '总分相同时，以群众评价好得分高者居前' },
    objectors,
    holders,
    personalData: [
      ...Object.values(objectors).flatMap((o) => [o.name, o.contact, o.grounds]),
      '成立业委会党的工作小组', // data/example-form.json
    ],
  };
}
