; Inno Setup 6 script: the Windows installer for the bundled CoachDesk app.
; Not run on the Linux machine CoachDesk is developed on; CI runs it on windows-latest
; (.github/workflows/build.yml). By hand, on Windows, from the checkout:
;   py tools\dev.py dist                       (PyInstaller: build\pyinstaller\dist\CoachDesk\)
;   iscc /DAppVersion=0.1.0 packaging\windows\coachdesk.iss
; Output: dist\CoachDesk-<version>-windows-x86_64-setup.exe
;
; Names match packaging/coachdesk.spec: the folder CoachDesk\, CoachDesk.exe (the window,
; no console) and coachdesk-cli.exe (the commands, with a console); the icon
; resources\icons\coachdesk.ico. Installs per user (no administrator rights needed).

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (coachdesk/__init__.py __version__)
#endif
#define AppName "CoachDesk"
#define AppId "org.coachdesk.CoachDesk"
#define Root "..\.."
#define Bundle Root + "\build\pyinstaller\dist\CoachDesk"

[Setup]
; AppId must never change: Windows finds earlier installs (upgrades, uninstall) by it.
AppId={#AppId}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=CoachDesk
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=CoachDesk-{#AppVersion}-windows-x86_64-setup
SetupIconFile={#Root}\resources\icons\coachdesk.ico
UninstallDisplayIcon={app}\CoachDesk.exe
LicenseFile={#Root}\LICENSE
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Files]
; The whole onedir bundle; Qt's libraries stay replaceable files in _internal\ (LGPL).
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\CoachDesk.exe"; AppUserModelID: "{#AppId}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\CoachDesk.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Run]
Filename: "{app}\CoachDesk.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The practice files live in the user's data folder, not in {app}: uninstalling leaves them.
