/**
 * A Japanese → English bridge for descriptions: the common words of machine-learning writing, in the forms
 * Japanese readers use (kanji terms, katakana loanwords), mapped to the English words our summaries use.
 * A Japanese description is then also matched against the English text of every paper, which is the fuller
 * one (and the only one for most papers added by moderators or the arXiv watch).
 *
 * General vocabulary only: no paper names (aliases carry those), nothing written for particular queries.
 */
const GLOSSARY: Record<string, string> = {
  // Architecture
  アテンション: "attention",
  注意機構: "attention",
  自己注意: "self+attention",
  トランスフォーマー: "transformer",
  トランスフォーマ: "transformer",
  再帰: "recurrent recurrence",
  リカレント: "recurrent",
  畳み込み: "convolution convolutional",
  エンコーダー: "encoder",
  エンコーダ: "encoder",
  デコーダー: "decoder",
  デコーダ: "decoder",
  層: "layer",
  レイヤー: "layer",
  残差: "residual",
  正規化: "normalization",
  位置: "position positional",
  埋め込み: "embedding embeddings",
  ベクトル: "vector vectors dense",
  双方向: "bidirectional",
  隠れ: "hidden",
  活性化: "activation",
  ヘッド: "heads",
  線形: "linear",
  行列: "matrix matrices",
  重み: "weights",
  パラメータ: "parameters",
  パラメーター: "parameters",
  エキスパート: "experts",
  専門家: "experts",
  混合: "mixture",
  ゲート: "gating gate",
  ルーティング: "routing",
  スパース: "sparse",
  疎: "sparse",
  密: "dense",
  状態: "state",
  // Training
  事前学習: "pretraining pretrained",
  微調整: "finetuning",
  ファインチューニング: "finetuning",
  ファインチューン: "finetuned",
  学習率: "learning+rate",
  ウォームアップ: "warm",
  学習: "training trained",
  訓練: "training",
  教師なし: "unsupervised",
  教師あり: "supervised",
  自己教師: "self+supervised",
  強化学習: "reinforcement+learning",
  報酬: "reward",
  報酬モデル: "reward+model",
  方策: "policy",
  選好: "preference preferences",
  好み: "preference preferences",
  嗜好: "preference",
  人間のフィードバック: "human+feedback",
  フィードバック: "feedback",
  最適化: "optimization optimize",
  損失: "loss",
  勾配: "gradient gradients",
  蒸留: "distillation distilling",
  量子化: "quantization quantized quantizes",
  低ランク: "low+rank",
  差分: "change update",
  凍結: "frozen freezes",
  アダプタ: "adapter adapters",
  アダプター: "adapter adapters",
  バッチ: "batch",
  ミニバッチ: "batch",
  平均: "mean",
  分散: "variance",
  統計: "statistics",
  指示: "instruction instructions",
  指示チューニング: "instruction+tuning",
  自己対戦: "self+play",
  セルフプレイ: "self+play",
  自己訓練: "self+training",
  自己学習: "self+training",
  反復: "iteration iterations",
  繰り返: "repeated iteration",
  スケーリング: "scaling",
  計算量: "compute",
  計算予算: "compute+budget",
  予算: "budget",
  学習不足: "undertrained",
  データ: "data",
  データセット: "dataset",
  合成: "synthetic",
  アノテーション: "annotation labels",
  ラベル: "labels labelled",
  関連性: "relevance",
  過学習: "overfitting",
  // Inference and use
  推論: "inference reasoning",
  生成: "generation generate generated generative",
  サンプリング: "sampling",
  ステップ: "step steps",
  一発: "single one",
  高速化: "acceleration faster speed",
  高速: "fast faster",
  メモリ: "memory",
  効率: "efficient efficiency",
  プロンプト: "prompt prompting",
  少数ショット: "few+shot",
  フューショット: "few+shot",
  ゼロショット: "zero+shot",
  例: "examples",
  文脈内学習: "context+learning",
  思考の連鎖: "chain+thought",
  外挿: "extrapolation extrapolate",
  長さ: "length",
  系列: "sequence",
  トークン: "tokens token",
  語彙: "vocabulary",
  単語: "word words",
  // Tasks and domains
  言語モデル: "language+model",
  翻訳: "translation",
  機械翻訳: "machine+translation",
  質問応答: "question+answering",
  要約: "summarization",
  分類: "classification classifier",
  検索: "retrieval retrieve retrieved search",
  文書: "document documents passages",
  パッセージ: "passage passages",
  知識: "knowledge",
  データベース: "database",
  チャンク: "chunk chunks",
  画像: "image images",
  パッチ: "patch patches",
  画像認識: "image+recognition",
  画像生成: "image+generation",
  テキスト: "text",
  自然言語: "natural+language",
  拡散: "diffusion",
  ノイズ: "noise noisy",
  軌道: "trajectory",
  写像: "maps map",
  潜在: "latent",
  解像度: "resolution",
  エージェント: "agent agents",
  シミュレーション: "simulation sandbox",
  記憶: "memory",
  計画: "planning plan",
  会話: "conversation conversations",
  対話: "dialogue chat",
  チャット: "chat",
  安全: "safety safe",
  安全性: "safety",
  有害: "harmful",
  無害: "harmless",
  分類体系: "taxonomy",
  入力: "input inputs",
  出力: "output outputs",
  入出力: "input+output",
  コード: "code",
  プログラミング: "programming code",
  数学: "math mathematics",
  ロボット: "robot robotic",
  オフライン: "offline",
  評価: "evaluation evaluate",
  ベンチマーク: "benchmark benchmarks",
  ウェブ: "web",
  インターネット: "internet",
  検索エンジン: "search+engine",
  メモ: "notes",
  ノート: "notes",
  読書: "reading",
  頑健: "robust robustness",
  対照学習: "contrastive",
  対照: "contrastive",
  画像とテキスト: "image+text",
  // Models and results
  基盤モデル: "foundation+models",
  大規模: "large",
  公開: "public publicly released",
  創発: "emergent emergence",
  能力: "abilities",
  憲法: "constitution",
  原則: "principles",
  性能: "performance",
  精度: "accuracy",
  正解: "correct",
  正誤: "correctness",
  解答: "solutions",
  人間: "human",
  人手: "human",
  弱い: "weak",
  強い: "strong",
  オープン: "open",
  オープンソース: "open+source",
  // Organisations people name a paper by (companies and labs, not papers)
  グーグル: "google",
  メタ: "meta",
  フェイスブック: "facebook",
  オープンエーアイ: "openai",
  ディープマインド: "deepmind",
  マイクロソフト: "microsoft",
  スタンフォード: "stanford",
  アンソロピック: "anthropic",
  アンスロピック: "anthropic",
  エヌビディア: "nvidia",
  ハギングフェイス: "hugging+face",
  意識: "aware",
  階層: "hierarchy",
  深層学習: "deep+learning",
  深層: "deep",
  探索: "search exploration",
  見分け: "distinguish",
  区別: "distinguish",
  理論: "theoretical theory",
  勾配爆発: "gradient",
};

const LONGEST_KEY = Math.max(...Object.keys(GLOSSARY).map((key) => key.length));

/**
 * Word groups for the Japanese runs of a query, longest glossary entry first at each position: each group
 * holds alternatives ("preference preferences"), a "+" joins words that are each needed ("reward+model").
 * "報酬モデルなしで好みを直接最適化" → [reward] [model] [preference preferences] [optimization optimize].
 * At most `LONGEST_KEY` lookups per character of a query that is at most 200 characters.
 */
export function bridgeJapanese(text: string): { japanese: string; english: string[] }[] {
  const found: { japanese: string; english: string[] }[] = [];
  for (const run of text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々]+/gu) ?? []) {
    let start = 0;
    /** Positions where a glossary entry ended. */
    const coveredUpTo = new Set<number>();
    while (start < run.length) {
      let matched = 0;
      // A one-kanji entry right after a kanji no entry covered is the end of another word: 層 (layer) in 階層 (hierarchy).
      const afterUnknownKanji = start > 0 && /\p{Script=Han}/u.test(run[start - 1] ?? "") && !coveredUpTo.has(start);
      for (let length = Math.min(LONGEST_KEY, run.length - start); length >= 1; length -= 1) {
        const japanese = run.slice(start, start + length);
        const english = GLOSSARY[japanese];
        if (english === undefined) continue;
        if (length === 1 && afterUnknownKanji && /\p{Script=Han}/u.test(japanese)) continue;
        if (english.includes("+")) for (const word of english.split("+")) found.push({ japanese, english: [word] });
        else found.push({ japanese, english: english.split(" ") });
        matched = length;
        break;
      }
      if (matched > 0) coveredUpTo.add(start + matched);
      start += Math.max(1, matched);
    }
  }
  return found;
}
