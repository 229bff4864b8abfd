/**
 * Words that never become keywords, and words so generic in safety guidelines that they count for
 * less (seed 002 section 3: extracted_keywords should tell a viewer what to do or watch for).
 * Korean entries are stems (after particles and 하다 endings come off); English entries are lowercase
 * and compared before and after folding.
 */

/** Korean stems that are never keywords: predicates, adverbs, determiners, time and place words, bookkeeping nouns. */
export const KOREAN_STOP_WORDS: ReadonlySet<string> = new Set([
  '있다', '없다', '한다', '하다', '된다', '되다', '않는다', '않다', '않도록', '않고', '않은', '않을', '아니다', '아닌', '없이', '없는', '있는',
  '경우', '때문', '반드시', '즉시', '항상', '절대', '절대로', '모든', '모두', '각각', '해당', '관련', '다른', '이러한', '그러한', '이런', '그런',
  '또는', '그리고', '그러나', '하지만', '따라서', '만약', '만일', '혹시', '가능', '필요', '중요', '다음', '대한', '위한', '통해', '따라', '대해',
  '위해', '의한', '의해', '이상', '이하', '미만', '초과', '이내', '이전', '이후', '사전', '사후', '직전', '직후', '도중', '동안', '전후', '부분',
  '내용', '사항', '기타', '이용', '사용', '실시', '확인', '준수', '주의', '유의', '철저', '철저히', '적절', '적절히', '올바른', '올바르게',
  '바로', '먼저', '다시', '함께', '매일', '수시', '수시로', '항시', '특히', '가급적', '되도록', '최대', '최대한', '최소', '최소한', '직접',
  '스스로', '누구나', '누구든지', '주변', '근처', '이때', '이것', '그것', '저것', '우리', '여러분', '본인', '자신', '정도', '방법', '경우에',
  '가장', '매우', '너무', '아주', '조금', '많이', '적게', '다만', '단지', '오직', '또한', '그래서', '그러므로', '그러면', '아래', '위쪽',
  '아래쪽', '부근', '시작', '종료', '진행', '계속', '발생', '여부', '상황', '수칙', '안전수칙', '지침', '규칙', '규정', '내부', '외부',
  '해야', '하여', '하는', '되는', '하고', '하며', '하면', '되면', '된다면', '같은', '같이', '모든', '어떤', '무엇', '언제', '어디', '누구',
  '다음과', '아래와', '위와', '등등', '기본', '일반', '각종', '여러', '다양한', '새로운', '충분히', '정확히', '확실히', '빠르게', '천천히',
  '첫째', '둘째', '셋째', '넷째', '다섯째', '제1조', '제2조', '페이지', '참조',
]);

/** English words that are never keywords. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also always am an and any are aren as at be because been before being below between both but by ' +
    'can cannot could did do does doing don done down during each either else ensure etc even ever every few for from further get gets got ' +
    'had has have having he her here hers him his how however i if in into is isn it its itself just keep kept least less let like make ' +
    'made many may me might more most much must my near need needs never no nor not now of off on once one only or other others our out ' +
    'over own per please prior put rather really s same see shall she should since so some such sure t take taken than that the their them ' +
    'then there these they this those through thus to too toward towards under until up upon us use used uses using very via was way we ' +
    'well were what when where whether which while who whom whose why will with within without would yes yet you your yours also ' +
    'first second third next last new always sometimes often every everyone anyone someone anything something nothing must mustn ' +
    'shouldn wouldn couldn doesn didn wasn weren won ll ve re d m o allowed permitted required follow following follows wear worn wearing ' +
    'before after immediately properly correctly regularly clearly carefully area areas place places time times day days item items ' +
    'section page step steps note notes rule rules guideline guidelines procedure procedures policy instruction instructions general ' +
    'make sure stop stay go goes going come comes put left right top bottom side sides part parts kind type types number amount level'
  ).split(' '),
);

/** Korean stems present in nearly every guideline: kept, but counted at GENERIC_WEIGHT. */
export const KOREAN_GENERIC: ReadonlySet<string> = new Set([
  '작업', '안전', '근로자', '작업자', '현장', '사업장', '장소', '관리', '조치', '상태', '관리자', '담당자', '설비', '기계', '기구', '주위',
  '위험', '예방', '보건', '안전보건', '작업장', '사업주', '사람', '징후', '발견', '정리', '실행', '유지', '보관', '설치', '교육',
]);

/** English counting keys present in nearly every guideline: kept, but counted at GENERIC_WEIGHT. */
export const ENGLISH_GENERIC: ReadonlySet<string> = new Set([
  'work', 'worker', 'employee', 'staff', 'personnel', 'site', 'safety', 'safe', 'safely', 'job', 'task', 'person', 'people', 'operator',
  'hazard', 'risk', 'danger', 'dangerous', 'workplace', 'supervisor', 'manager', 'condition', 'operation', 'operate', 'check',
]);

/** How much a generic word's count weighs against an ordinary word's (1) and a safety term's (SAFETY_WEIGHT). */
export const GENERIC_WEIGHT = 0.4;
