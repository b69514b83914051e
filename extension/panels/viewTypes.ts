// The webview panels' view types: the extension registers their serializers at activation (so a
// reload restores open panels) without loading the panel code, which loads when a panel opens.
// package.json's onWebviewPanel activation events spell the same names.
export const DASHBOARD_VIEW_TYPE = 'contrastiveLab.dashboard';
export const GALLERY_VIEW_TYPE = 'contrastiveLab.gallery';
export const MAP_VIEW_TYPE = 'contrastiveLab.map';
export const EXPERIMENTS_VIEW_TYPE = 'contrastiveLab.experiments';
