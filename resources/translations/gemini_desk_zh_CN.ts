<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AddServerDialog</name>
    <message>
        <location filename="../../gemini_desk/ui/mcp_server_dialog.py" line="+51"/>
        <source>Add MCP server</source>
        <translation>添加 MCP 服务器</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Server name</source>
        <translation>服务器名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run a &amp;command:</source>
        <translation>运行命令(&amp;C)：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Command line</source>
        <translation>命令行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Connect to a &amp;URL:</source>
        <translation>连接到 URL(&amp;U)：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Server URL</source>
        <translation>服务器 URL</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Environment variables</source>
        <translation>环境变量</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>One KEY=VALUE per line, passed to the command.</source>
        <translation>每行一个 KEY=VALUE，会传给该命令。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Environment:</source>
        <translation>环境变量(&amp;E)：</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Give the server a name.</source>
        <translation>请为服务器起个名称。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>There is already a server called %1.</source>
        <translation>已有名为 %1 的服务器。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Enter the server&apos;s URL.</source>
        <translation>请输入服务器的 URL。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The URL must start with http:// or https://.</source>
        <translation>URL 必须以 http:// 或 https:// 开头。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The command line has an unclosed quote.</source>
        <translation>命令行中有未闭合的引号。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the command that starts the server.</source>
        <translation>请输入启动服务器的命令。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Environment line %1 is not KEY=VALUE.</source>
        <translation>环境变量第 %1 行不是 KEY=VALUE 格式。</translation>
    </message>
</context>
<context>
    <name>ApiKeyDialog</name>
    <message>
        <location filename="../../gemini_desk/ui/api_key_dialog.py" line="+58"/>
        <source>Gemini API key</source>
        <translation>Gemini API 密钥</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&lt;p&gt;To talk to Gemini, this app needs an &lt;b&gt;API key&lt;/b&gt;: a long password that lets it use your Google account&apos;s Gemini access. It is free to create one.&lt;/p&gt;&lt;p&gt;Get a key at &lt;a href=&apos;%1&apos;&gt;%1&lt;/a&gt;, sign in, click &lt;i&gt;Create API key&lt;/i&gt;, then copy it and paste it below.&lt;/p&gt;</source>
        <translation>&lt;p&gt;要与 Gemini 对话，本应用需要一个 &lt;b&gt;API 密钥&lt;/b&gt;：一串较长的密码，让应用可以使用您 Google 帐号的 Gemini 访问权限。创建密钥是免费的。&lt;/p&gt;&lt;p&gt;请打开 &lt;a href=&apos;%1&apos;&gt;%1&lt;/a&gt;，登录后点击 &lt;i&gt;创建 API 密钥&lt;/i&gt;，然后复制密钥并粘贴到下方。&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Paste your API key here</source>
        <translation>在此粘贴您的 API 密钥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;API key:</source>
        <translation>API 密钥(&amp;A)：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Show key</source>
        <translation>显示密钥(&amp;S)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>No key yet? &lt;b&gt;Try the demo&lt;/b&gt;: the app talks to a small server on this computer that echoes what you say back to you. Nothing leaves the machine.</source>
        <translation>还没有密钥？&lt;b&gt;试用演示模式&lt;/b&gt;：应用会连接本机上的一个小型服务器，它会把您说的话复述给您。任何数据都不会离开这台电脑。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Use this key</source>
        <translation>使用此密钥(&amp;U)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Try the &amp;demo</source>
        <translation>试用演示(&amp;D)</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>An API key has no spaces in it.</source>
        <translation>API 密钥中不含空格。</translation>
    </message>
</context>
<context>
    <name>ApprovalCard</name>
    <message>
        <location filename="../../gemini_desk/ui/approval_card.py" line="+97"/>
        <source>Allow &amp;once</source>
        <translation>允许一次(&amp;O)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Al&amp;ways allow</source>
        <translation>始终允许(&amp;W)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Deny</source>
        <translation>拒绝(&amp;D)</translation>
    </message>
    <message>
        <location line="+173"/>
        <source>Allow Gemini to use “%1”?</source>
        <translation>允许 Gemini 使用“%1”吗？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>From: %1</source>
        <translation>来源：%1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Allow %1 once</source>
        <translation>允许 %1 一次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Always allow %1</source>
        <translation>始终允许 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deny %1</source>
        <translation>拒绝 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approval needed: %1</source>
        <translation>需要您批准：%1</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>No arguments.</source>
        <translation>无参数。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>… and %1 more</source>
        <translation>……另有 %1 个</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 more waiting</source>
        <translation>另有 %1 个在等待</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Denied in %1 s if you do not answer</source>
        <translation>若您不回应，%1 秒后拒绝</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Time is up</source>
        <translation>时间已到</translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message>
        <location filename="../../gemini_desk/ui/connection_banner.py" line="+26"/>
        <source>The Live service refused the connection: nothing answers at its address.</source>
        <translation>Live 服务拒绝了连接：其地址上没有任何服务应答。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The Live service&apos;s address could not be found (DNS).</source>
        <translation>找不到 Live 服务的地址（DNS）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A secure (TLS) connection to the Live service failed.</source>
        <translation>与 Live 服务的安全（TLS）连接失败。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This computer seems to be offline: no network route.</source>
        <translation>这台电脑似乎已离线：没有可用的网络路由。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The Live service had a server error.</source>
        <translation>Live 服务出现了服务器错误。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The service says your quota or rate limit is reached.</source>
        <translation>服务表示你已达到配额或速率限制。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The connection was lost.</source>
        <translation>连接已断开。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The service keeps ending the connection right away.</source>
        <translation>服务一再立即结束连接。</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Retry now</source>
        <translation>立即重试</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Connection lost</source>
        <translation>连接已断开</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cannot connect</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <location line="+16"/>
        <location line="+14"/>
        <source>Trying again now…</source>
        <translation>正在重试…</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>Retrying in %1 s</source>
        <translation>%1 秒后重试</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <location filename="../../gemini_desk/ui/history_list.py" line="+34"/>
        <source>(no words from you)</source>
        <translation>（你没有说话）</translation>
    </message>
    <message>
        <location line="+36"/>
        <location line="+1"/>
        <source>Search all conversations</source>
        <translation>搜索全部对话</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Conversations found: %1</source>
        <translation>找到的对话：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing found for “%1”.</source>
        <translation>没有找到“%1”。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Turns: %1</source>
        <translation>发言：%1</translation>
    </message>
</context>
<context>
    <name>CrashNotice</name>
    <message>
        <location filename="../../gemini_desk/ui/crash_notice.py" line="+21"/>
        <source>Something went wrong inside Gemini Desk (%1). The details are in the log file; you can keep working, or restart the app if something stops working.</source>
        <translation>Gemini Desk 内部出了问题（%1）。详细信息已写入日志文件；你可以继续使用，如果有功能不再正常，请重新启动应用。</translation>
    </message>
</context>
<context>
    <name>DemoServer</name>
    <message>
        <location filename="../../gemini_desk/ui/demo_words.py" line="+27"/>
        <source>(%1 s of speech)</source>
        <translation>（%1 秒语音）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>(%1 s of speech so far)</source>
        <translation>（已说 %1 秒）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Local demo server: playing back what you said (%1 s)</source>
        <translation>本地演示服务器：正在回放你说的话（%1 秒）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Local demo server: the voice %1 is not available here; playing back what you said (%2 s)</source>
        <translation>本地演示服务器：这里没有 %1 这个声音；正在回放你说的话（%2 秒）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Local demo server: I received nothing I can play back</source>
        <translation>本地演示服务器：没有收到可以回放的内容</translation>
    </message>
</context>
<context>
    <name>DesktopWiring</name>
    <message>
        <location filename="../../gemini_desk/desktop/tray_wiring.py" line="+159"/>
        <source>Gemini Desk is still running</source>
        <translation>Gemini Desk 仍在运行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>It keeps running in the system tray. To quit, use Quit in the tray menu or press Ctrl+Q in the window.</source>
        <translation>它会继续在系统托盘中运行。要退出，请使用托盘菜单中的“退出”，或在窗口中按 Ctrl+Q。</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Gemini wants to use %1</source>
        <translation>Gemini 想要使用 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Click here to open the window and allow or deny it. Without an answer it is denied in %1 s.</source>
        <translation>点击此处打开窗口，允许或拒绝它。若不回答，%1 秒后将被拒绝。</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Everywhere, also in other apps</source>
        <translation>任何地方，包括其他应用</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Talk (push-to-talk; hold, also in other apps)</source>
        <translation>说话（按键说话；按住，在其他应用中也有效）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mute or unmute the microphone (also in other apps)</source>
        <translation>麦克风静音或取消静音（在其他应用中也有效）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Typing and tools</source>
        <translation>输入与工具</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send the typed message</source>
        <translation>发送输入的消息</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+1"/>
        <source>Enter</source>
        <translation>回车</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Allow a tool once (on its approval card)</source>
        <translation>允许工具运行一次（在其审批卡片上）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deny a tool (on its approval card)</source>
        <translation>拒绝工具（在其审批卡片上）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Could not open the log folder. It is here: %1</source>
        <translation>无法打开日志文件夹。它位于：%1</translation>
    </message>
</context>
<context>
    <name>DetailsPopover</name>
    <message>
        <location filename="../../gemini_desk/ui/status_orb.py" line="+235"/>
        <location line="+16"/>
        <source>No answer yet</source>
        <translation>尚无回答</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model id:</source>
        <translation>模型 ID：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last response:</source>
        <translation>上次响应：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Server time:</source>
        <translation>服务器用时：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connection details</source>
        <translation>连接详情</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+2"/>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>From the end of your speech to the first sound of the answer.</source>
        <translation>从你说完到听到回答第一个声音的时间。</translation>
    </message>
</context>
<context>
    <name>DeviceTestsPanel</name>
    <message>
        <location filename="../../gemini_desk/ui/diagnostics_tests.py" line="+35"/>
        <source>Test your devices</source>
        <translation>测试你的设备</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Test &amp;microphone</source>
        <translation>测试麦克风(&amp;M)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Records 3 seconds, then plays them back</source>
        <translation>录制 3 秒，然后回放</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test &amp;speaker</source>
        <translation>测试扬声器(&amp;S)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Plays a soft chime</source>
        <translation>播放一段柔和的提示音</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Recording</source>
        <translation>录音</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Yes, I heard it</source>
        <translation>听到了(&amp;Y)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;No</source>
        <translation>没听到(&amp;N)</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Speak now… %1</source>
        <translation>请说话… %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Playing back what the microphone heard…</source>
        <translation>正在回放麦克风录到的声音…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Playing a chime…</source>
        <translation>正在播放提示音…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Did you hear the chime?</source>
        <translation>你听到提示音了吗？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>End the conversation to run a test: Gemini would hear it.</source>
        <translation>请先结束对话再测试：否则 Gemini 会听到测试声音。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The microphone test records 3 seconds and plays them back; the speaker test plays a chime. Nothing is recorded until you press a button.</source>
        <translation>麦克风测试会录制 3 秒并回放；扬声器测试会播放一段提示音。在你按下按钮之前不会录制任何声音。</translation>
    </message>
</context>
<context>
    <name>DiagnosticsDialog</name>
    <message>
        <location filename="../../gemini_desk/ui/diagnostics_dialog.py" line="+46"/>
        <location line="+14"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location line="-13"/>
        <location line="+15"/>
        <source>Sample rate</source>
        <translation>采样率</translation>
    </message>
    <message>
        <location line="-14"/>
        <location line="+15"/>
        <source>Block</source>
        <translation>块大小</translation>
    </message>
    <message>
        <location line="-14"/>
        <source>Input latency</source>
        <translation>输入延迟</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+18"/>
        <source>Overruns</source>
        <translation>溢出</translation>
    </message>
    <message>
        <location line="-17"/>
        <location line="+18"/>
        <source>Dropped samples</source>
        <translation>丢弃的采样</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>Callbacks</source>
        <translation>回调次数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Echo cancellation CPU</source>
        <translation>回声消除 CPU 占用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{:.0f} µs per 10 ms frame</source>
        <translation>每 10 毫秒帧 {:.0f} 微秒</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Plays through</source>
        <translation>播放方式</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Output latency</source>
        <translation>输出延迟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Jitter threshold</source>
        <translation>抖动阈值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Underruns</source>
        <translation>欠载</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Device underflows</source>
        <translation>设备欠载</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Audio diagnostics</source>
        <translation>音频诊断</translation>
    </message>
    <message>
        <location line="+16"/>
        <location line="+2"/>
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <location line="-1"/>
        <location line="+2"/>
        <source>Speaker</source>
        <translation>扬声器</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Level</source>
        <translation>电平</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Event loop</source>
        <translation>事件循环</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Wake-up lag</source>
        <translation>唤醒延迟</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Copy figures</source>
        <translation>复制数据(&amp;C)</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>not measured</source>
        <translation>未测量</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>not measured yet</source>
        <translation>尚未测量</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>p50 %1 ms, p99 %2 ms, max %3 ms (%4 late of %5)</source>
        <translation>p50 %1 毫秒，p99 %2 毫秒，最大 %3 毫秒（%5 次中 %4 次延迟）</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>not open</source>
        <translation>未打开</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>system default</source>
        <translation>系统默认</translation>
    </message>
</context>
<context>
    <name>DialogsWiring</name>
    <message>
        <location filename="../../gemini_desk/desktop/dialogs_wiring.py" line="+115"/>
        <source>That conversation could not be opened: %1</source>
        <translation>无法打开这段对话：%1</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/desktop/key_dialog.py" line="+39"/>
        <source>Your key works (%1 Live models).</source>
        <translation>你的密钥可用（%1 个 Live 模型）。</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../gemini_desk/ui/history_dialog.py" line="+71"/>
        <source>Conversation history</source>
        <translation>对话历史</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/history_list.py" line="-54"/>
        <source>Past conversations</source>
        <translation>以往的对话</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/history_dialog.py" line="+21"/>
        <source>Search is not available: see the log.</source>
        <translation>无法搜索：请查看日志。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>No conversations yet. Finished turns appear here.</source>
        <translation>还没有对话。完成的发言会显示在这里。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Co&amp;ntinue this conversation</source>
        <translation>继续这段对话(&amp;N)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show it in the window; what you say next is added to it.</source>
        <translation>在窗口中显示它；你接下来说的话会加到这段对话里。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Copy turn</source>
        <translation>复制发言(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy the chosen turn&apos;s text (Ctrl+C)</source>
        <translation>复制所选发言的文字（Ctrl+C）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export &amp;Markdown…</source>
        <translation>导出为 &amp;Markdown…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export &amp;JSON…</source>
        <translation>导出为 &amp;JSON…</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/history_list.py" line="+60"/>
        <source>Lines that could not be read: %1</source>
        <translation>无法读取的行数：%1</translation>
    </message>
    <message>
        <location line="-30"/>
        <source>%1 — damaged, cannot be shown</source>
        <translation>%1 — 已损坏，无法显示</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Could not read it: %1</source>
        <translation>无法读取：%1</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/history_dialog.py" line="+93"/>
        <source>Copied the turn&apos;s text.</source>
        <translation>已复制这轮发言的文字。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Could not delete it: %1</source>
        <translation>无法删除：%1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Deleted “%1”.</source>
        <translation>已删除“%1”。</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Conversation of %1</source>
        <translation>%1 的对话</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
    <message>
        <location line="+78"/>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown 文件 (*.md)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>JSON (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/history_turns.py" line="+85"/>
        <source>Turns of the chosen conversation</source>
        <translation>所选对话的发言</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>You</source>
        <translation>您</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Gemini</source>
        <translation>Gemini</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>answered after %1 ms</source>
        <translation>%1 毫秒后回答</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>interrupted</source>
        <translation>已打断</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(nothing was transcribed)</source>
        <translation>（没有转写到文字）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sources: %1</source>
        <translation>来源：%1</translation>
    </message>
</context>
<context>
    <name>HotkeyEdit</name>
    <message>
        <location filename="../../gemini_desk/ui/hotkey_edit.py" line="+30"/>
        <location line="+45"/>
        <source>Press the keys…</source>
        <translation>请按下按键…</translation>
    </message>
    <message>
        <location line="-43"/>
        <source>Click here and press the key combination. Backspace restores the default.</source>
        <translation>点击此处并按下组合键。按退格键恢复默认值。</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Press the keys… (now: %1)</source>
        <translation>请按下组合键…（当前：%1）</translation>
    </message>
</context>
<context>
    <name>Instruction</name>
    <message>
        <location filename="../../gemini_desk/ui/instruction.py" line="+23"/>
        <source>You are a helpful voice assistant on the user&apos;s desktop. Keep answers short and spoken.</source>
        <translation>你是用户桌面上的语音助手，乐于助人。回答要简短，适合口头表达。</translation>
    </message>
</context>
<context>
    <name>LanguageSettings</name>
    <message>
        <location filename="../../gemini_desk/ui/language_settings.py" line="+19"/>
        <source>System language</source>
        <translation>跟随系统语言</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The new language is used when Gemini Desk next starts.</source>
        <translation>新的语言将在 Gemini Desk 下次启动时生效。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
</context>
<context>
    <name>LevelMeter</name>
    <message>
        <location filename="../../gemini_desk/ui/level_meter.py" line="+84"/>
        <source>%1 level</source>
        <translation>%1 音量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 level, -60 to 0 dBFS</source>
        <translation>%1 音量，-60 至 0 dBFS</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>%1: muted</source>
        <translation>%1：已静音</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: silent (below -60 dBFS)</source>
        <translation>%1：无声（低于 -60 dBFS）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: %2 dBFS, peak %3 dBFS</source>
        <translation>%1：%2 dBFS，峰值 %3 dBFS</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(clipping)</source>
        <translation>（削波）</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Speaker</source>
        <translation>扬声器</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>muted</source>
        <translation>已静音</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gemini_desk/ui/main_window.py" line="+120"/>
        <source>Gemini Desk</source>
        <translation>Gemini Desk</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+89"/>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <location line="-87"/>
        <source>Connect or end the conversation (Ctrl+Enter)</source>
        <translation>连接或结束对话（Ctrl+Enter）</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Type a message</source>
        <translation>输入消息</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <location line="+61"/>
        <location line="+2"/>
        <source>End</source>
        <translation>结束</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Ending…</source>
        <translation>正在结束…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>End the conversation</source>
        <translation>结束对话</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;End conversation</source>
        <translation>结束对话(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/status_bar.py" line="+31"/>
        <source>Demo mode (local server)</source>
        <translation>演示模式（本地服务器）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Talking to a local server on this computer; nothing leaves the machine.</source>
        <translation>正在与本机上的本地服务器对话；任何数据都不会离开这台电脑。</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/main_menus.py" line="+30"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;API key…</source>
        <translation>API 密钥(&amp;A)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Conversation &amp;history…</source>
        <translation>对话历史(&amp;H)…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Session</source>
        <translation>会话(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../gemini_desk/ui/main_window.py" line="+0"/>
        <source>&amp;Connect</source>
        <translation>连接(&amp;C)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Mute microphone</source>
        <translation>麦克风静音(&amp;M)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>M&amp;ini mode</source>
        <translation>迷你模式(&amp;I)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About Gemini Desk</source>
        <translation>关于 Gemini Desk(&amp;A)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Audio &amp;diagnostics…</source>
        <translation>音频诊断(&amp;D)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open &amp;log folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/main_window.py" line="-20"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location line="+92"/>
        <source>%1 was retired; now using %2.</source>
        <translation>%1 已停用；现在使用 %2。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Enter API key…</source>
        <translation>输入 API 密钥…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open Settings…</source>
        <translation>打开设置…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use %1</source>
        <translation>使用 %1</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/main_menus.py" line="+15"/>
        <source>About Gemini Desk</source>
        <translation>关于 Gemini Desk</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Gemini Desk %1

A desktop voice assistant for the Gemini Live API: talk to Gemini, hear it answer, and read a live transcript.</source>
        <translation>Gemini Desk %1

基于 Gemini Live API 的桌面语音助手：与 Gemini 对话，听它回答，并阅读实时文字记录。</translation>
    </message>
</context>
<context>
    <name>McpServersPanel</name>
    <message>
        <location filename="../../gemini_desk/ui/mcp_servers.py" line="+52"/>
        <source>&amp;MCP servers:</source>
        <translation>MCP 服务器(&amp;M)：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>MCP servers</source>
        <translation>MCP 服务器</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Server (enabled)</source>
        <translation>服务器（勾选即启用）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>A&amp;dd server…</source>
        <translation>添加服务器(&amp;D)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove the selected server</source>
        <translation>移除所选服务器</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open mcp.&amp;json</source>
        <translation>打开 mcp.json(&amp;J)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Edit the servers&apos; file in your text editor</source>
        <translation>在文本编辑器中编辑服务器配置文件</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Server &amp;log (its last lines of stderr):</source>
        <translation>服务器日志(&amp;L)（stderr 的最后几行）：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Server log</source>
        <translation>服务器日志</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Server changes are saved at once; servers start when you connect.</source>
        <translation>对服务器的更改会立即保存；服务器在连接时启动。</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Checked: the server is enabled</source>
        <translation>勾选：服务器已启用</translation>
    </message>
    <message>
        <location line="+29"/>
        <location line="+10"/>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>not started (starts when you connect)</source>
        <translation>未启动（连接时启动）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>ready (%1 tools)</source>
        <translation>就绪（%1 个工具）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no reason given</source>
        <translation>未说明原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>No MCP servers yet. Add one, or write them in mcp.json.</source>
        <translation>还没有 MCP 服务器。请添加一个，或在 mcp.json 中填写。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>URL: %1</source>
        <translation>URL：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Command: %1</source>
        <translation>命令：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>State: %1</source>
        <translation>状态：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tools: %1</source>
        <translation>工具：%1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No tools</source>
        <translation>没有工具</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../gemini_desk/ui/message_text.py" line="+26"/>
        <source>The API key was not accepted. Check it under File &gt; API key, or get one at https://aistudio.google.com/apikey.</source>
        <translation>API 密钥未被接受。请在“文件 &gt; API 密钥”中检查，或前往 https://aistudio.google.com/apikey 获取一个。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The model “%1” is not available for live conversations. Pick another model in Settings.</source>
        <translation>模型“%1”不支持实时对话。请在“设置”中选择其他模型。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The service says you have reached your quota or rate limit. Wait a minute and connect again.</source>
        <translation>服务提示您已达到配额或速率限制。请稍等一分钟后重新连接。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The Live service had an internal error and closed the conversation. Connect again.</source>
        <translation>Live 服务发生内部错误并关闭了对话。请重新连接。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cannot reach the Live service. Check your network connection, then connect again.</source>
        <translation>无法连接到 Live 服务。请检查网络连接，然后重新连接。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The Live service refused the connection: nothing answers at its address.</source>
        <translation>Live 服务拒绝了连接：其地址上没有任何服务应答。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The Live service&apos;s address could not be found (DNS).</source>
        <translation>找不到 Live 服务的地址（DNS）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A secure (TLS) connection to the Live service could not be set up.</source>
        <translation>无法与 Live 服务建立安全（TLS）连接。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The secure connection to the Live service could not be verified (%1).</source>
        <translation>无法验证与 Live 服务的安全连接（%1）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The connection to the Live service was lost. Connect again.</source>
        <translation>与 Live 服务的连接已断开。请重新连接。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The Live service ended the conversation (%1). Connect again.</source>
        <translation>Live 服务结束了对话（%1）。请重新连接。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Something unexpected went wrong in the conversation. Details are in the log file.</source>
        <translation>对话中出现了意外错误。详细信息请查看日志文件。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The Live service refused a setting (%1). Change it in Settings.</source>
        <translation>Live 服务拒绝了一项设置（%1）。请在设置中修改。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The connection reached the service&apos;s time limit.</source>
        <translation>连接已达到服务的时间上限。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The Live service did not finish setting up the connection within %1 s.</source>
        <translation>Live 服务未在 %1 秒内完成连接设置。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The Live service sent data the app could not read.</source>
        <translation>Live 服务发送了应用无法读取的数据。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The voice sample did not arrive in time. Check your network connection and try again.</source>
        <translation>语音试听没有及时送达。请检查网络连接后重试。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The Live service answered without audio, so there is no sample to play.</source>
        <translation>Live 服务的回答没有音频，因此没有可播放的试听。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The conversation could not be resumed, so a new session was started. It was given the recent transcript as context; the model may not remember everything.</source>
        <translation>无法恢复之前的对话，因此已开始新的会话。最近的文字记录已作为上下文提供给模型；它可能不会记得所有内容。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Waiting for the network; retrying in %1 s</source>
        <translation>正在等待网络；%1 秒后重试</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The service had an error; retrying in %1 s</source>
        <translation>服务出错；%1 秒后重试</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quota or rate limit reached; retrying in %1 s</source>
        <translation>已达到配额或速率限制；%1 秒后重试</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The connection was lost; retrying in %1 s</source>
        <translation>连接已断开；%1 秒后重试</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The service keeps ending the connection right away; retrying in %1 s</source>
        <translation>服务总是立即结束连接，%1 秒后重试</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The connection was refused; retrying in %1 s</source>
        <translation>连接被拒绝；%1 秒后重试</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The service&apos;s address could not be found; retrying in %1 s</source>
        <translation>找不到服务的地址；%1 秒后重试</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The secure connection failed; retrying in %1 s</source>
        <translation>安全连接失败；%1 秒后重试</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No API key yet: enter one, or try the demo.</source>
        <translation>尚未设置 API 密钥：请输入密钥，或试用演示模式。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The speaker could not be opened: %1</source>
        <translation>无法打开扬声器：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The microphone could not be opened: %1 You can still type.</source>
        <translation>无法打开麦克风：%1 您仍可以输入文字。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 Reconnect it or choose another device in Settings.</source>
        <translation>%1 请重新连接该设备，或在“设置”中选择其他设备。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The transcript could not be saved: %1</source>
        <translation>无法保存文字记录：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your settings could not be saved: %1 Changes apply until you quit.</source>
        <translation>无法保存设置：%1 更改在退出前仍然有效。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The settings file was damaged. It was kept as %1; every setting that could still be read was kept, the others are back to their defaults.</source>
        <translation>设置文件已损坏，已另存为 %1；仍可读取的设置均已保留，其余设置已恢复为默认值。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Model, voice and instruction apply when you next connect.</source>
        <translation>模型、语音和指令将在下次连接时生效。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No %1 devices were found. Check that a device is connected and that the sound server (e.g. PulseAudio/PipeWire) is running.</source>
        <translation>未找到%1设备。请检查设备是否已连接，以及声音服务器（如 PulseAudio/PipeWire）是否正在运行。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>microphone (input)</source>
        <translation>麦克风（输入）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>speaker (output)</source>
        <translation>扬声器（输出）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is no default %1 device. Choose one of: %2.</source>
        <translation>没有默认的%1设备。请从以下设备中选择：%2。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>There is no %1 device with index %2. Available: %3.</source>
        <translation>没有编号为 %2 的%1设备。可用设备：%3。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No %1 device is named %2. Available: %3.</source>
        <translation>没有名为 %2 的%1设备。可用设备：%3。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not open the %1 %2 at %3 Hz: %4. It may be in use by another program or unplugged.</source>
        <translation>无法以 %3 Hz 打开%1 %2：%4。它可能正被其他程序占用，或已被拔出。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The audio system could not list devices: %1</source>
        <translation>音频系统无法列出设备：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The speaker %1 is not a PulseAudio/PipeWire device, or libpulse is not installed.</source>
        <translation>扬声器 %1 不是 PulseAudio/PipeWire 设备，或未安装 libpulse。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Could not open the speaker %1: %2 Check that the sound server (PulseAudio/PipeWire) is running.</source>
        <translation>无法打开扬声器 %1：%2 请检查声音服务器（PulseAudio/PipeWire）是否正在运行。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>speaker</source>
        <translation>扬声器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The microphone %1 stopped working (unplugged or taken by another program).</source>
        <translation>麦克风 %1 已停止工作（已被拔出或被其他程序占用）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The speaker %1 stopped working (unplugged or taken by another program).</source>
        <translation>扬声器 %1 已停止工作（已被拔出或被其他程序占用）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The microphone is muted: unmute it (Ctrl+M) to talk.</source>
        <translation>麦克风已静音：请取消静音（Ctrl+M）后再说话。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not connected: connect first (Ctrl+Enter), then talk.</source>
        <translation>未连接：请先连接（Ctrl+Enter），然后再说话。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The talk key was held for %1 s, so your turn was ended. Press it again to go on.</source>
        <translation>说话键已按住 %1 秒，因此本轮发言已结束。再按一次即可继续。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The global talk key stopped working, so your turn was ended.</source>
        <translation>全局说话键已失效，因此本轮发言已结束。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The window lost focus while you held the talk key; your turn was sent.</source>
        <translation>按住说话键时窗口失去了焦点；本轮发言已发送。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Hold %1 in any application to talk.</source>
        <translation>在任意应用中按住 %1 即可说话。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Press %1 in any application to start and stop talking.</source>
        <translation>在任意应用中按 %1 开始说话，再按一次结束。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 works while this window is in front.</source>
        <translation>%1 仅在此窗口位于前台时有效。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hold %1 in any application to talk. macOS asks once for Accessibility permission (System Settings &gt; Privacy &amp; Security &gt; Accessibility): allow Gemini Desk there so it can see this key while other apps are in front; it never reads what you type.</source>
        <translation>在任意应用中按住 %1 即可说话。macOS 会询问一次“辅助功能”权限（系统设置 &gt; 隐私与安全性 &gt; 辅助功能）：请在那里允许 Gemini Desk，这样其他应用在前台时它也能识别此按键；它绝不会读取您输入的内容。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Wayland does not let apps see keys pressed in other windows, so %1 works while this window is in front. For a key that works everywhere, add a keyboard shortcut in your desktop&apos;s settings that runs &apos;gemini-desk --ptt toggle&apos; (or &apos;--ptt press&apos; and &apos;--ptt release&apos;).</source>
        <translation>Wayland 不允许应用获取在其他窗口中按下的按键，因此 %1 仅在此窗口位于前台时有效。若想让按键在任何地方都有效，请在桌面设置中添加一个运行 &apos;gemini-desk --ptt toggle&apos;（或 &apos;--ptt press&apos; 与 &apos;--ptt release&apos;）的键盘快捷键。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Your desktop does not offer global shortcuts to apps, so the talk and mute keys work only while this window is in front. For a talk key that works everywhere, make a custom shortcut that runs &apos;gemini-desk --ptt toggle&apos;: on GNOME in Settings &gt; Keyboard &gt; Custom Shortcuts, on KDE in System Settings &gt; Shortcuts &gt; Custom Shortcuts.</source>
        <translation>您的桌面没有向应用提供全局快捷键，所以说话键和静音键只在本窗口位于前台时有效。若想要在任何地方都能用的说话键，请创建一个运行 &apos;gemini-desk --ptt toggle&apos; 的自定义快捷键：GNOME 在 设置 &gt; 键盘 &gt; 自定义快捷键，KDE 在 系统设置 &gt; 快捷键 &gt; 自定义快捷键。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The desktop did not set up the global talk and mute keys, so they work only while this window is in front. To try again, change the keys in Settings. Or make a custom shortcut that runs &apos;gemini-desk --ptt toggle&apos;: on GNOME in Settings &gt; Keyboard &gt; Custom Shortcuts, on KDE in System Settings &gt; Shortcuts &gt; Custom Shortcuts.</source>
        <translation>桌面没有设置全局说话键和静音键，所以它们只在本窗口位于前台时有效。若要重试，请在设置中更改按键。也可以创建一个运行 &apos;gemini-desk --ptt toggle&apos; 的自定义快捷键：GNOME 在 设置 &gt; 键盘 &gt; 自定义快捷键，KDE 在 系统设置 &gt; 快捷键 &gt; 自定义快捷键。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No camera found. Plug one in (or allow camera access) and try again.</source>
        <translation>未找到摄像头。请接入摄像头（或允许访问摄像头）后重试。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The camera stopped working: %1.</source>
        <translation>摄像头已停止工作：%1。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Screen capture is not available here: %1.</source>
        <translation>此处无法进行屏幕捕获：%1。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That window cannot be captured: %1.</source>
        <translation>无法捕获该窗口：%1。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This display has no screen to capture; the camera may still work.</source>
        <translation>此显示环境没有可捕获的屏幕；摄像头或许仍可使用。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>macOS asks for Screen Recording permission the first time you share.</source>
        <translation>首次共享时，macOS 会请求“屏幕录制”权限。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>On Wayland, apps may not read the screen directly: your desktop asks you which screen to share, and the region is cut from that. Wayland does not let apps place windows, so there is no red frame; your desktop shows its own sharing indicator.</source>
        <translation>在 Wayland 上，应用不能直接读取屏幕：桌面会询问您要共享哪个屏幕，区域将从中截取。Wayland 不允许应用放置窗口，因此没有红色边框；桌面会显示它自己的共享指示。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Running through XWayland: only other X11 apps&apos; windows can be captured; start with QT_QPA_PLATFORM=wayland to share through the desktop portal.</source>
        <translation>正在通过 XWayland 运行：只能捕获其他 X11 应用的窗口；请使用 QT_QPA_PLATFORM=wayland 启动，以便通过桌面门户共享。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sharing cancelled: nothing was chosen in the desktop&apos;s dialog.</source>
        <translation>已取消共享：未在桌面的对话框中选择任何内容。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The desktop could not start sharing the screen. Try again, or check that xdg-desktop-portal and PipeWire are running.</source>
        <translation>桌面无法开始共享屏幕。请重试，或检查 xdg-desktop-portal 和 PipeWire 是否正在运行。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The region is not on the screen you chose. Share again and choose the screen that shows it.</source>
        <translation>该区域不在您选择的屏幕上。请重新共享，并选择显示该区域的屏幕。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The desktop stopped the screen sharing.</source>
        <translation>桌面已停止屏幕共享。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sharing on Wayland needs GStreamer&apos;s PipeWire plugin (Debian and Ubuntu: gstreamer1.0-tools, gstreamer1.0-pipewire, gstreamer1.0-plugins-base).</source>
        <translation>在 Wayland 上共享需要 GStreamer 的 PipeWire 插件（Debian 和 Ubuntu：gstreamer1.0-tools、gstreamer1.0-pipewire、gstreamer1.0-plugins-base）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+108"/>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
    <message>
        <location line="-107"/>
        <source>Using the key from the %1 environment variable.</source>
        <translation>正在使用环境变量 %1 中的密钥。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your key is stored in the system keyring.</source>
        <translation>您的密钥保存在系统密钥环中。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No system keyring is available: the key is kept in memory until you quit. Set GEMINI_API_KEY to avoid typing it again.</source>
        <translation>没有可用的系统密钥环：密钥只保存在内存中，直到您退出。设置 GEMINI_API_KEY 环境变量即可免去再次输入。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No API key set (demo mode).</source>
        <translation>尚未设置 API 密钥（演示模式）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is the local demo: a small server on this computer plays back what you say. Nothing leaves this computer. To talk to Gemini, enter an API key (File &gt; API key).</source>
        <translation>这是本地演示：这台电脑上的一个小型服务器会回放你说的话，任何内容都不会离开这台电脑。如需使用真正的服务，请输入 API 密钥（文件 &gt; API 密钥）。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The microphone is not open. Connect, or test it below.</source>
        <translation>麦克风未打开。请连接，或在下方测试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Listening to the microphone…</source>
        <translation>正在听麦克风…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The microphone is muted. Unmute it to check it here.</source>
        <translation>麦克风已静音。取消静音后才能在这里检查它。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The microphone hears nothing. Check that it is plugged in and not muted in your system&apos;s sound settings.</source>
        <translation>麦克风听不到任何声音。请检查它已插好，并且在系统声音设置中没有被静音。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The microphone is too loud and distorts. Lower its input volume in your system&apos;s sound settings.</source>
        <translation>麦克风音量太大，声音失真。请在系统声音设置中调低它的输入音量。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The microphone is very quiet (%1 dBFS at its loudest). Move closer, or raise its input volume.</source>
        <translation>麦克风声音很小（最响时 %1 dBFS）。请靠近一些，或调高它的输入音量。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Your microphone works, but it hears a lot of background noise (%1 dBFS).</source>
        <translation>麦克风工作正常，但背景噪音很大（%1 dBFS）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your microphone works (background noise %1 dBFS).</source>
        <translation>麦克风工作正常（背景噪音 %1 dBFS）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The test heard nothing. Check that the microphone is plugged in, chosen in Settings and not muted in your system.</source>
        <translation>测试没有录到任何声音。请检查麦克风已插好、已在设置中选中，并且没有在系统中被静音。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Your microphone works: you just heard what it recorded.</source>
        <translation>麦克风工作正常：你刚才听到的就是它录下的声音。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The speaker is not open. Connect, or test it below.</source>
        <translation>扬声器未打开。请连接，或在下方测试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The speaker stopped working. Check that it is still connected.</source>
        <translation>扬声器停止工作了。请检查它是否仍然连接着。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Gemini&apos;s voice had %1 gaps: the speaker ran out of audio. A slow network or a busy computer does this.</source>
        <translation>Gemini 的语音出现了 %1 次中断：扬声器没有音频可播。网络慢或电脑繁忙时会这样。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The speaker plays without gaps.</source>
        <translation>扬声器播放流畅，没有中断。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your speaker works.</source>
        <translation>扬声器工作正常。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You did not hear the chime. Check the volume, and that the right speaker is chosen in Settings.</source>
        <translation>你没有听到提示音。请检查音量，并确认在设置中选择了正确的扬声器。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Echo cancellation runs while you are connected.</source>
        <translation>回声消除在连接时运行。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Echo cancellation is off: you said you use headphones.</source>
        <translation>回声消除已关闭：你设置了使用耳机。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Echo cancellation is measured while Gemini speaks.</source>
        <translation>回声消除的效果会在 Gemini 说话时测量。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The microphone does not hear the speaker: there is no echo to remove.</source>
        <translation>麦克风听不到扬声器的声音：没有需要消除的回声。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Echo cancellation is removing %1 dB.</source>
        <translation>回声消除正在去除 %1 dB。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Echo cancellation removes only %1 dB: Gemini may hear itself. Lower the speaker volume or use headphones.</source>
        <translation>回声消除只去除了 %1 dB：Gemini 可能会听到自己的声音。请调低扬声器音量或使用耳机。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The test could not run: %1</source>
        <translation>测试无法进行：%1</translation>
    </message>
</context>
<context>
    <name>MiniWindow</name>
    <message>
        <location filename="../../gemini_desk/ui/mini_window.py" line="+68"/>
        <source>Gemini Desk (mini)</source>
        <translation>Gemini Desk（迷你）</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>● Sharing</source>
        <translation>● 正在共享</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Hover to see what Gemini saw last</source>
        <translation>悬停可查看 Gemini 最后看到的画面</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Hold to talk</source>
        <translation>按住说话</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Back to the full window</source>
        <translation>返回完整窗口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back to the full window (Ctrl+Shift+M)</source>
        <translation>返回完整窗口（Ctrl+Shift+M）</translation>
    </message>
    <message>
        <location line="+35"/>
        <location line="+13"/>
        <source>You: %1</source>
        <translation>你：%1</translation>
    </message>
    <message>
        <location line="-11"/>
        <location line="+12"/>
        <source>Gemini: %1</source>
        <translation>Gemini：%1</translation>
    </message>
</context>
<context>
    <name>ModelSettings</name>
    <message>
        <location filename="../../gemini_desk/ui/model_settings.py" line="+39"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pick a model, or type a model id.</source>
        <translation>选择一个模型，或输入模型 ID。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Refresh the model list</source>
        <translation>刷新模型列表</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask the service which models you can use.</source>
        <translation>向服务查询你可以使用的模型。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Thinking</source>
        <translation>思考</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+93"/>
        <source>More thinking gives better answers to hard questions, and slower ones.</source>
        <translation>思考越多，难题的回答越好，但也越慢。</translation>
    </message>
    <message>
        <location line="-90"/>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thinking &amp;depth:</source>
        <translation>思考深度(&amp;D)：</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Models your key can use, as listed on %1.</source>
        <translation>你的密钥可以使用的模型（%1 获取的列表）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Built-in list: the service has not been asked yet.</source>
        <translation>内置列表：尚未向服务查询。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The last refresh failed; this list may be out of date.</source>
        <translation>上次刷新失败；此列表可能已过时。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Asking the service for its models…</source>
        <translation>正在向服务查询模型…</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>This model does not take a thinking level.</source>
        <translation>此模型不支持设置思考深度。</translation>
    </message>
</context>
<context>
    <name>Notices</name>
    <message>
        <location filename="../../gemini_desk/ui/notices.py" line="+75"/>
        <source>Information</source>
        <translation>信息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Dismiss %1</source>
        <translation>关闭%1</translation>
    </message>
</context>
<context>
    <name>RegionSelector</name>
    <message>
        <location filename="../../gemini_desk/ui/frame_selector.py" line="+89"/>
        <location filename="../../gemini_desk/ui/region_selector.py" line="+101"/>
        <source>Drag to select</source>
        <translation>拖动以选择</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/region_selector.py" line="+3"/>
        <source>Off screen</source>
        <translation>超出屏幕</translation>
    </message>
</context>
<context>
    <name>ScreenSharing</name>
    <message>
        <location filename="../../gemini_desk/ui/share_bar.py" line="+20"/>
        <source>the screen</source>
        <translation>屏幕</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>a region (choose it on the picture)</source>
        <translation>一个区域（请在画面上选定）</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/desktop/sharing.py" line="+141"/>
        <source>That region is not on any screen. Pick it again.</source>
        <translation>该区域不在任何屏幕上。请重新选择。</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/share_bar.py" line="+1"/>
        <source>a %1 × %2 region</source>
        <translation>%1 × %2 的区域</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/desktop/sharing.py" line="+51"/>
        <source>This desktop does not list windows for capture. Select a region around the window instead (Share ▸ Share a region…).</source>
        <translation>此桌面环境不提供可捕获的窗口列表。请改为框选窗口所在的区域（共享 ▸ 共享屏幕区域…）。</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/share_bar.py" line="-5"/>
        <source>the window “%1”</source>
        <translation>窗口“%1”</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/desktop/sharing.py" line="-6"/>
        <source>a window</source>
        <translation>一个窗口</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>(untitled)</source>
        <translation>（无标题）</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+14"/>
        <source>Share a window</source>
        <translation>共享窗口</translation>
    </message>
    <message>
        <location line="-13"/>
        <location line="+14"/>
        <source>Window:</source>
        <translation>窗口：</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Share the camera</source>
        <translation>共享摄像头</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Camera:</source>
        <translation>摄像头：</translation>
    </message>
    <message>
        <location line="+87"/>
        <source>Nothing is captured until you connect.</source>
        <translation>连接之前不会捕获任何内容。</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/share_bar.py" line="+2"/>
        <source>the camera (%1)</source>
        <translation>摄像头（%1）</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../gemini_desk/ui/settings_dialog.py" line="+91"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>System instruction</source>
        <translation>系统指令</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Speaker</source>
        <translation>扬声器</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Change API key…</source>
        <translation>更改 API 密钥(&amp;C)…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Sp&amp;eaker:</source>
        <translation>扬声器(&amp;E)：</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>System &amp;instruction:</source>
        <translation>系统指令(&amp;I)：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Micro&amp;phone:</source>
        <translation>麦克风(&amp;P)：</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>API key:</source>
        <translation>API 密钥：</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Gener&amp;al</source>
        <translation>常规(&amp;A)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Voice &amp;&amp; model</source>
        <translation>语音与模型(&amp;V)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A&amp;udio</source>
        <translation>音频(&amp;U)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Talk &amp;&amp; &amp;keys</source>
        <translation>说话与按键(&amp;K)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Privac&amp;y</source>
        <translation>隐私(&amp;Y)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>T&amp;ools</source>
        <translation>工具(&amp;O)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings pages</source>
        <translation>设置页面</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Nothing is recorded or sent before you connect. While connected, Gemini gets what your microphone hears (not while muted), what you type, and your screen or camera only while you share it.</source>
        <translation>连接之前不会录制或发送任何内容。连接后，Gemini 会收到麦克风听到的声音（静音时除外）、你输入的文字，以及仅在你共享时的屏幕或摄像头画面。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Conversations are kept on this computer only, readable by you alone. Delete them in History.</source>
        <translation>对话只保存在这台电脑上，只有你能读取。可在历史记录中删除。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>They are in %1</source>
        <translation>保存位置：%1</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>%1 (not connected)</source>
        <translation>%1（未连接）</translation>
    </message>
</context>
<context>
    <name>ShareBar</name>
    <message>
        <location filename="../../gemini_desk/ui/share_bar.py" line="+39"/>
        <location line="+2"/>
        <source>Stop sharing</source>
        <translation>停止共享</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Sh&amp;are</source>
        <translation>共享(&amp;A)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Share a &amp;region…</source>
        <translation>共享屏幕区域(&amp;R)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Share the whole &amp;screen</source>
        <translation>共享整个屏幕(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Share a &amp;window…</source>
        <translation>共享窗口(&amp;W)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Share the &amp;camera…</source>
        <translation>共享摄像头(&amp;C)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>S&amp;harp text (send at native size)</source>
        <translation>清晰文字(&amp;H)（按原始尺寸发送）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>S&amp;top sharing</source>
        <translation>停止共享(&amp;T)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>This display has no screen that apps can capture.</source>
        <translation>此显示环境没有可供应用截取的屏幕。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This desktop does not let apps capture single windows; share a region around the window instead.</source>
        <translation>此桌面不允许应用截取单个窗口；请改为共享窗口周围的区域。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>● Sharing %1</source>
        <translation>● 正在共享%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The model sees this; click Stop to end it</source>
        <translation>模型能看到这些内容；点击“停止共享”即可结束</translation>
    </message>
</context>
<context>
    <name>SharePreview</name>
    <message>
        <location filename="../../gemini_desk/ui/share_preview.py" line="+66"/>
        <source>Sent %1 × %2 · %3 KB · %4</source>
        <translation>已发送 %1 × %2 · %3 KB · %4</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Exactly what the model saw last</source>
        <translation>模型最后看到的画面</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing sent yet</source>
        <translation>尚未发送任何画面</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../gemini_desk/ui/shortcuts_dialog.py" line="+96"/>
        <source>In the window</source>
        <translation>在本窗口中</translation>
    </message>
    <message>
        <location line="+26"/>
        <location line="+29"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
</context>
<context>
    <name>StatusElement</name>
    <message>
        <location filename="../../gemini_desk/ui/status_orb.py" line="+20"/>
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Connection details</source>
        <translation>连接详情</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model and response time</source>
        <translation>模型和响应时间</translation>
    </message>
</context>
<context>
    <name>StatusPill</name>
    <message>
        <location line="-245"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Listening</source>
        <translation>正在聆听</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thinking…</source>
        <translation>正在思考…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Speaking</source>
        <translation>正在说话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Muted</source>
        <translation>已静音</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sharing</source>
        <translation>正在共享</translation>
    </message>
    <message>
        <location line="+158"/>
        <source>Status: %1</source>
        <translation>状态：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Click to unmute the microphone (%1).</source>
        <translation>点击取消麦克风静音（%1）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Click to mute the microphone (%1).</source>
        <translation>点击将麦克风静音（%1）。</translation>
    </message>
</context>
<context>
    <name>TalkBar</name>
    <message>
        <location filename="../../gemini_desk/ui/talk_bar.py" line="+40"/>
        <source>Hands-free</source>
        <translation>免提</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Push-to-talk</source>
        <translation>按键说话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Talk mode</source>
        <translation>说话方式</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hands-free: the service hears when you start and stop speaking.
Push-to-talk: it hears you only while you hold the talk key or button.</source>
        <translation>免提：服务会自动听出您何时开始和停止说话。
按键说话：只有在您按住说话键或按钮时，它才会听您说话。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Talk:</source>
        <translation>说话(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>TalkButton</name>
    <message>
        <location filename="../../gemini_desk/ui/talk_button.py" line="+89"/>
        <source>Click to talk</source>
        <translation>点击说话</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Hold to talk</source>
        <translation>按住说话</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Listening…</source>
        <translation>正在聆听…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(click or %1 to send)</source>
        <translation>（点击或按 %1 发送）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gemini is speaking — press to interrupt</source>
        <translation>Gemini 正在说话 — 按下可打断</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Talk</source>
        <translation>说话</translation>
    </message>
</context>
<context>
    <name>TalkSettings</name>
    <message>
        <location filename="../../gemini_desk/ui/talk_settings.py" line="+35"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Talk: %1. Mute: %2. Changing the keys above asks the desktop again.</source>
        <translation>说话：%1。静音：%2。更改上面的按键会再次询问桌面。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Hands-free (it hears when you speak)</source>
        <translation>免提（自动听出您在说话）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Push-to-talk (only while you talk)</source>
        <translation>按键说话（仅在按键时收音）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Talk mode</source>
        <translation>说话方式</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hold the key while speaking</source>
        <translation>说话时按住按键</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Press once to start, again to stop</source>
        <translation>按一次开始，再按一次停止</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Talk key behaviour</source>
        <translation>说话键行为</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Talk key</source>
        <translation>说话键</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mute key</source>
        <translation>静音键</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Play a soft tone &amp;when talking starts or stops, and on mute</source>
        <translation>开始或停止说话及静音时播放柔和的提示音(&amp;W)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Only used in push-to-talk.</source>
        <translation>仅用于按键说话模式。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Talk mode:</source>
        <translation>说话方式(&amp;T)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Talk key &amp;behaviour:</source>
        <translation>说话键行为(&amp;B)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ta&amp;lk key:</source>
        <translation>说话键(&amp;L)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Mute key:</source>
        <translation>静音键(&amp;M)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sound cues:</source>
        <translation>提示音：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your desktop&apos;s keys:</source>
        <translation>桌面设定的按键：</translation>
    </message>
</context>
<context>
    <name>TalkWiring</name>
    <message>
        <location filename="../../gemini_desk/desktop/talk_wiring.py" line="+220"/>
        <source>Gemini Desk: push to talk</source>
        <translation>Gemini Desk：按键说话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gemini Desk: mute or unmute the microphone</source>
        <translation>Gemini Desk：将麦克风静音或取消静音</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>The talk key only works in other apps with Accessibility permission. </source>
        <translation>只有获得“辅助功能”权限后，说话键才能在其他应用中使用。</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>push-to-talk</source>
        <translation>按键说话</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>hands-free</source>
        <translation>免提</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Switched to %1: reconnected, because voice detection is part of the session&apos;s setup.</source>
        <translation>已切换到%1：已重新连接，因为语音检测是会话设置的一部分。</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>The global talk key stopped working (%1). The talk button still works.</source>
        <translation>全局说话键已失效（%1）。说话按钮仍可使用。</translation>
    </message>
</context>
<context>
    <name>Tools</name>
    <message>
        <location filename="../../gemini_desk/ui/tool_row.py" line="+46"/>
        <source>MCP server %1</source>
        <translation>MCP 服务器 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>built-in</source>
        <translation>内置</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+1"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>waiting for your approval</source>
        <translation>等待您批准</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>denied</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>you denied it</source>
        <translation>您拒绝了</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>you stopped it</source>
        <translation>您停止了它</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>no answer in time</source>
        <translation>未及时回应</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>timed out</source>
        <translation>超时</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the server withdrew it</source>
        <translation>服务器撤回了调用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>you interrupted</source>
        <translation>您打断了</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the connection ended</source>
        <translation>连接已断开</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>set to Never in Settings</source>
        <translation>设置中设为“从不”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the app was closing</source>
        <translation>应用正在退出</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Tool call</source>
        <translation>工具调用</translation>
    </message>
    <message>
        <location line="+116"/>
        <source>Tool: %1</source>
        <translation>工具：%1</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/history_turns.py" line="+11"/>
        <location filename="../../gemini_desk/ui/tool_row.py" line="+1"/>
        <source>From: %1</source>
        <translation>来源：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../../gemini_desk/ui/tool_row.py" line="+1"/>
        <source>Started: %1</source>
        <translation>开始时间：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../../gemini_desk/ui/tool_row.py" line="+3"/>
        <source>Arguments:</source>
        <translation>参数：</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/tool_row.py" line="+37"/>
        <source>Sources:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Source %1: %2</source>
        <translation>来源 %1：%2</translation>
    </message>
</context>
<context>
    <name>ToolsSettings</name>
    <message>
        <location filename="../../gemini_desk/ui/tools_settings.py" line="+85"/>
        <source>Use &amp;Google Search</source>
        <translation>使用 Google 搜索(&amp;G)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Answers can draw on the web and list their sources. Only with models that support it.</source>
        <translation>回答可以参考网络内容并列出来源。仅适用于支持此功能的模型。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Tools:</source>
        <translation>工具(&amp;T)：</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>No tools on offer yet. MCP servers&apos; tools appear once they are running.</source>
        <translation>暂无可用工具。MCP 服务器运行后会在此列出它们的工具。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Tool</source>
        <translation>工具</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>When Gemini calls it</source>
        <translation>Gemini 调用时</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Always allow</source>
        <translation>始终允许</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask each time</source>
        <translation>每次询问</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Never</source>
        <translation>从不</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 (default)</source>
        <translation>%1（默认）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>When Gemini calls %1</source>
        <translation>Gemini 调用 %1 时</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <location filename="../../gemini_desk/ui/transcript_bubble.py" line="+36"/>
        <source>No answer: the service blocked the request because of what it contained.</source>
        <translation>没有回答：服务因请求的内容而阻止了它。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The answer was blocked by the service&apos;s safety checks.</source>
        <translation>回答被服务的安全检查阻止了。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The model declined to answer.</source>
        <translation>模型拒绝回答。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The answer stopped: the model made a malformed tool call.</source>
        <translation>回答中止：模型发出了格式错误的工具调用。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The service withheld the answer.</source>
        <translation>服务没有给出回答。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>This turn was too long: the rest was not kept.</source>
        <translation>这段内容过长：其余部分未保留。</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send this message again</source>
        <translation>再次发送这条消息</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>You</source>
        <translation>您</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Gemini</source>
        <translation>Gemini</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>typed</source>
        <translation>键入</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Answered %1 ms after you stopped</source>
        <translation>在您说完后 %1 毫秒回答</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>(interrupted)</source>
        <translation>（已打断）</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not sent —</source>
        <translation>未发送 —</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not sent</source>
        <translation>未发送</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Sources:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/transcript_view.py" line="+62"/>
        <location line="+179"/>
        <source>Connect and start talking, or type below.</source>
        <translation>连接后开始说话，或在下方输入文字。</translation>
    </message>
    <message>
        <location line="-157"/>
        <location line="+13"/>
        <source>Transcript</source>
        <translation>文字记录</translation>
    </message>
    <message>
        <location line="+142"/>
        <source>Say something, or type below.</source>
        <translation>说点什么，或在下方输入。</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <location filename="../../gemini_desk/ui/tray.py" line="+193"/>
        <location line="+80"/>
        <source>Hide window</source>
        <translation>隐藏窗口</translation>
    </message>
    <message>
        <location line="-79"/>
        <source>Mini mode</source>
        <translation>迷你模式</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+79"/>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <location line="-78"/>
        <source>Mute microphone</source>
        <translation>麦克风静音</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Talk mode</source>
        <translation>说话方式</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Hands-free</source>
        <translation>免提</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Push-to-talk</source>
        <translation>按键说话</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Stop sharing</source>
        <translation>停止共享</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Disconnected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connected, ready to talk</source>
        <translation>已连接，可以说话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Listening</source>
        <translation>正在聆听</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gemini is speaking</source>
        <translation>Gemini 正在说话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microphone muted</source>
        <translation>麦克风已静音</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sharing the screen</source>
        <translation>正在共享屏幕</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Gemini Desk</source>
        <translation>Gemini Desk</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Show window</source>
        <translation>显示窗口</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Disconnect</source>
        <translation>断开</translation>
    </message>
</context>
<context>
    <name>VerdictPanel</name>
    <message>
        <location filename="../../gemini_desk/ui/diagnostics_verdict.py" line="+23"/>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Speaker</source>
        <translation>扬声器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Echo cancellation</source>
        <translation>回声消除</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Good</source>
        <translation>良好</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Note</source>
        <translation>提示</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
</context>
<context>
    <name>VoicePicker</name>
    <message>
        <location filename="../../gemini_desk/ui/voice_picker.py" line="+55"/>
        <source>Voice</source>
        <translation>语音</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Play a sample of this voice</source>
        <translation>试听这个语音</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Spoken language</source>
        <translation>口语语言</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>&amp;Play sample</source>
        <translation>试听(&amp;P)</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Voi&amp;ce:</source>
        <translation>声音(&amp;C)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Spoken language:</source>
        <translation>口语语言(&amp;S)：</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Asking Gemini to say hello…</source>
        <translation>正在请 Gemini 打招呼…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Playing…</source>
        <translation>正在播放…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The sample could not be played.</source>
        <translation>无法播放试听。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>bright</source>
        <translation>明亮</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>upbeat</source>
        <translation>欢快</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>informative</source>
        <translation>清晰易懂</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>firm</source>
        <translation>坚定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>excitable</source>
        <translation>兴奋</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>youthful</source>
        <translation>年轻</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>breezy</source>
        <translation>轻快</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>easy-going</source>
        <translation>随和</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>breathy</source>
        <translation>气声</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>clear</source>
        <translation>清澈</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>smooth</source>
        <translation>柔顺</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>gravelly</source>
        <translation>沙哑</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>soft</source>
        <translation>柔和</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>even</source>
        <translation>平稳</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mature</source>
        <translation>成熟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>forward</source>
        <translation>直率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>friendly</source>
        <translation>友好</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>casual</source>
        <translation>随意</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>gentle</source>
        <translation>温和</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>lively</source>
        <translation>活泼</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>knowledgeable</source>
        <translation>博学</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>warm</source>
        <translation>温暖</translation>
    </message>
</context>
<context>
    <name>VoiceSettings</name>
    <message>
        <location filename="../../gemini_desk/ui/voice_settings.py" line="+17"/>
        <source>I use &amp;headphones (turns echo cancellation off)</source>
        <translation>我使用耳机(&amp;H)（关闭回声消除）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Without headphones the microphone hears the answer from your speakers; echo cancellation removes it so the model does not interrupt itself.</source>
        <translation>不戴耳机时，麦克风会听到扬声器播放的回答；回声消除会把它去掉，这样模型就不会打断自己。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reduce background &amp;noise</source>
        <translation>降低背景噪音(&amp;N)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Automatic &amp;gain control</source>
        <translation>自动增益控制(&amp;G)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Voice processing:</source>
        <translation>语音处理：</translation>
    </message>
</context>
<context>
    <name>WelcomeView</name>
    <message>
        <location filename="../../gemini_desk/ui/welcome_view.py" line="+55"/>
        <source>Gemini Desk</source>
        <translation>Gemini Desk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Welcome to Gemini Desk</source>
        <translation>欢迎使用 Gemini Desk</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Talk with Gemini out loud: paste your Gemini API key to start.</source>
        <translation>用语音与 Gemini 对话：粘贴你的 Gemini API 密钥即可开始。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Paste your API key here</source>
        <translation>在此粘贴你的 API 密钥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Paste</source>
        <translation>粘贴(&amp;P)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paste the API key</source>
        <translation>粘贴 API 密钥</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Continue</source>
        <translation>继续(&amp;C)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Get a key</source>
        <translation>获取密钥</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(free, at Google AI Studio)</source>
        <translation>（免费，在 Google AI Studio 获取）</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>No key yet? The demo runs on this computer and plays back what you say.</source>
        <translation>还没有密钥？演示在这台电脑上运行，会回放你说的话。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Try the &amp;demo</source>
        <translation>试用演示(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/key_status.py" line="+34"/>
        <source>Checking your key…</source>
        <translation>正在检查你的密钥…</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/welcome_view.py" line="+61"/>
        <source>Your key works (%1 Live models). Connecting…</source>
        <translation>你的密钥可用（%1 个 Live 模型）。正在连接…</translation>
    </message>
</context>
<context>
    <name>_Overlay</name>
    <message>
        <location filename="../../gemini_desk/ui/frame_selector.py" line="-31"/>
        <location filename="../../gemini_desk/ui/region_selector.py" line="+75"/>
        <source>Select a region to share</source>
        <translation>选择要共享的区域</translation>
    </message>
    <message>
        <location filename="../../gemini_desk/ui/region_bar.py" line="+39"/>
        <source>Drag to select what to share. Enter: share · Esc: cancel · Arrows: move · Ctrl+arrows: resize</source>
        <translation>拖动以选择要共享的内容。Enter：共享 · Esc：取消 · 方向键：移动 · Ctrl+方向键：调整大小</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Whole screen</source>
        <translation>整个屏幕</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A window…</source>
        <translation>窗口…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Share this region</source>
        <translation>共享此区域</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
</TS>
