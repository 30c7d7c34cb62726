; Inno Setup 6 script for HallDesk on Windows — NOT BUILT OR TESTED in this repository's CI (Linux only).
; Build on a Windows machine (README, "Windows"): first the PyInstaller onedir build with the shared spec
;   pyinstaller --noconfirm --clean --distpath build\dist --workpath build\work packaging\halldesk.spec
; then:  iscc /DAppVersion=0.1.0 packaging\windows\halldesk.iss   ->  build\halldesk-0.1.0-setup.exe
; Uninstalling removes the program folder only: each user's data (%LOCALAPPDATA%\HallDesk) stays.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6C1B9C52-0E4B-4F7E-9D7B-3A5D2E1F4A17}
AppName=HallDesk 政务窗口受理台
AppVersion={#AppVersion}
AppPublisher=HallDesk
DefaultDirName={autopf}\HallDesk
DefaultGroupName=政务窗口受理台
DisableProgramGroupPage=yes
OutputDir=..\..\build
OutputBaseFilename=halldesk-{#AppVersion}-setup
SetupIconFile=..\icons\halldesk.ico
UninstallDisplayIcon={app}\hall-desk.exe
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
WizardStyle=modern
LicenseFile=..\..\resources\fonts\OFL.txt

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "..\..\build\dist\halldesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\政务窗口受理台"; Filename: "{app}\hall-desk.exe"
Name: "{autodesktop}\政务窗口受理台"; Filename: "{app}\hall-desk.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; Flags: unchecked

[Run]
Filename: "{app}\hall-desk.exe"; Description: "启动政务窗口受理台"; Flags: nowait postinstall skipifsilent
