/** The documents' HTML (Eta, escaped by default): the 公示 notice, the final list and a certificate. */
import { join } from 'node:path';
import { Eta } from 'eta';
import { chineseNumeralDate, type ListEntry, type PublishedList } from './model';

const eta = new Eta({ views: join(__dirname, 'views'), cache: true, autoEscape: true, autoTrim: false });

/** The draft list as published for 公示, with the window and how to object (in writing, under a real name). */
export function publicityNoticeHtml(list: PublishedList, publicUrl: string): string {
  return eta.render('list', {
    title: `长宁区${list.year}年度红色示范业委会拟表彰名单公示`,
    year: list.year,
    list,
    paragraphs: [
      `根据长宁区${list.year}年度红色示范业委会创建评选工作安排，经街镇推荐、第三方专项检查和评选团评审，现将${list.entries.length}个拟表彰业主委员会名单予以公示（按评选团排序）。`,
      `公示期自${list.dateText}起，至${list.publicityEndsText}（北京时间）止。`,
    ],
    after: [
      `公示期间，对名单如有异议，请以实名方式提出，写明姓名、联系方式和异议理由；以单位名义提出的，须加盖单位公章。异议可在 ${publicUrl} 提交，或书面送交长宁区住房保障和房屋管理局。`,
      '受理部门将对异议人的信息予以保密。',
    ],
  });
}

/** The final list as the bureau confirmed it. */
export function finalListHtml(list: PublishedList): string {
  return eta.render('list', {
    title: `长宁区${list.year}年度红色示范业委会表彰名单`,
    year: list.year,
    list,
    paragraphs: [
      `经街镇推荐、第三方专项检查、评选团评审和社会公示，中共上海市长宁区委组织部、长宁区住房保障和房屋管理局确认以下${list.entries.length}个业主委员会为长宁区${list.year}年度“红色示范业委会”，予以表彰。`,
    ],
    after: [],
  });
}

/** One commended committee's certificate, dated the day the list was confirmed. */
export function certificateHtml(list: PublishedList, entry: ListEntry): string {
  return eta.render('certificate', {
    year: list.year,
    name: entry.name,
    subdistrict: entry.subdistrict,
    dateText: chineseNumeralDate(list.at),
    number: String(entry.rank).padStart(2, '0'),
  });
}
